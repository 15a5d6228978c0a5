// The editor checks one probe file after another in one process (issue 16). Switching between a
// probe that imports tsbpf/vmlinux and one that does not sets the vmlinux slice aside and puts
// it back unparsed (parked-files.ts): each file's diagnostics must be what it gets checked alone,
// in a process that never saw the others, and a probe declaring its own kernel types must not
// meet the parked ones (TS2717, vitest.config.ts).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it, vi } from "vitest";
import { fixturePath } from "../testing/probes.js";

const examples = join(import.meta.dirname, "..", "..", "..", "..", "examples");
const example = (name: string) => ({ path: join(examples, name), text: readFileSync(join(examples, name), "utf8") });

/** The example with a float at the start of its first program (TSBPF2001): a diagnostic to compare. */
const withFloat = (text: string) => text.replace("): i32 {", "): i32 { let f = 1.5;");

const declaresItsOwn = {
  path: fixturePath(`own-task-${process.pid}.bpf.ts`),
  text: `
import { Probe, tracepoint, bpf, i32 } from "tsbpf";
/** @kernel */
interface task_struct { pid: i32; tgid: i32 }
declare module "tsbpf" { interface KernelTypes { task_struct: task_struct } }
export class B extends Probe {
  @tracepoint("syscalls", "sys_enter_getpid")
  on(): i32 { bpf.printk("%d", bpf.getCurrentTask().tgid); return 0; }
}
`,
};

interface Case {
  path: string;
  text: string;
}

/** The compiler's modules afresh: no project, no slice, no parked file of an earlier check. */
async function freshCompiler() {
  vi.resetModules();
  const { checkSource } = await import("../check.js");
  const { loadSource } = await import("./project.js");
  return { checkSource, loadSource };
}

const summary = (d: { code: number; category: string; line: number; column: number; message: string }) => `${d.category} ${d.code} ${d.line}:${d.column} ${d.message}`;

describe("switching probe files in one process", () => {
  it("gives each file the diagnostics it gets checked alone", async () => {
    const opensnoop = example("opensnoop.bpf.ts");
    const execsnoop = example("execsnoop.bpf.ts");
    const unlink = example("unlink.bpf.ts");
    const cases: Case[] = [
      opensnoop,
      { ...execsnoop, text: withFloat(execsnoop.text) },
      execsnoop,
      unlink,
      { ...unlink, text: withFloat(unlink.text) },
      declaresItsOwn,
      { ...opensnoop, text: withFloat(opensnoop.text) },
    ];
    const alone = new Map<Case, string[]>();
    for (const c of cases) {
      const { checkSource } = await freshCompiler();
      alone.set(c, checkSource(c.path, c.text).diagnostics.map(summary));
    }
    // The float is reported where there is one, and the rest is clean: the comparison means something.
    for (const [c, diagnostics] of alone) {
      expect(diagnostics.some((d) => d.startsWith("error 2001 "))).toBe(c.text.includes("1.5"));
      expect(diagnostics.filter((d) => !d.startsWith("error 2001 ") && d.startsWith("error"))).toEqual([]);
    }
    const { checkSource } = await freshCompiler();
    // Back and forth, twice: vmlinux importers after non-importers and after the one declaring its own task_struct.
    const order = [...cases, ...cases.slice().reverse(), ...cases];
    for (const c of order) expect(checkSource(c.path, c.text).diagnostics.map(summary), c.path).toEqual(alone.get(c));
  }, 120_000);

  it("puts the parsed vmlinux slice back instead of parsing it again", async () => {
    const { loadSource } = await freshCompiler();
    const execsnoop = example("execsnoop.bpf.ts");
    const opensnoop = example("opensnoop.bpf.ts");
    const vmlinuxOf = (loaded: ReturnType<typeof loadSource>) => loaded.program.getSourceFiles().filter((f) => /[\\/]vmlinux[\\/][^\\/]*\.d\.ts$/.test(f.fileName));
    const [first] = vmlinuxOf(loadSource(execsnoop.path, execsnoop.text));
    expect(first).toBeDefined();
    // Out of the other probe's program (its kernel types would be declared to it)...
    expect(vmlinuxOf(loadSource(opensnoop.path, opensnoop.text))).toEqual([]);
    expect(vmlinuxOf(loadSource(declaresItsOwn.path, declaresItsOwn.text))).toEqual([]);
    // ...and the same syntax tree back for the next importer.
    const [again] = vmlinuxOf(loadSource(execsnoop.path, withFloat(execsnoop.text)));
    expect(again).toBe(first);
  }, 120_000);
});
