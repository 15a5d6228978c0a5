// The compiler type-checks a probe against the slice of tsbpf/vmlinux it can reach, not the whole
// 9 MB file (packages/compiler/src/vmlinux/slice.ts). The slice must change nothing: every example
// that imports tsbpf/vmlinux compiles to the same bytes, with the same diagnostics, as against
// the whole file (TSBPF_VMLINUX_WHOLE=1). Each side compiles in a process of its own, all the
// examples one after another and the first once more at the end.
import { execFile } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { promisify } from "node:util";
import { expect, it } from "vitest";
import { example, repoRoot } from "./support/paths.js";

const examples = readdirSync(example("")).filter((name) => name.endsWith(".bpf.ts") && readFileSync(example(name), "utf8").includes('"tsbpf/vmlinux"'));

const script = `
  import { createHash } from "node:crypto";
  import { compileFile } from "@tsbpf/compiler";
  const compile = (file) => {
    const result = compileFile(file);
    return {
      diagnostics: result.diagnostics.map((d) => d.code + " " + d.message),
      probes: result.probes.map((p) => p.className + " " + createHash("sha256").update(p.elf).digest("hex")),
    };
  };
  const files = JSON.parse(process.argv[1]);
  const out = {};
  for (const file of files) out[file] = compile(file);
  // The first again, after the others: what they reached must not leak into it.
  out.again = compile(files[0]);
  console.log(JSON.stringify(out));
`;

async function compileAll(whole: boolean): Promise<Record<string, unknown>> {
  const { stdout } = await promisify(execFile)(process.execPath, ["--input-type=module", "-e", script, JSON.stringify(examples.map(example))], {
    cwd: repoRoot,
    env: { ...process.env, TSBPF_VMLINUX_WHOLE: whole ? "1" : "0" },
    maxBuffer: 16 << 20,
  });
  return JSON.parse(stdout) as Record<string, unknown>;
}

it("compiles every example that imports tsbpf/vmlinux to the same objects as the whole file does", async () => {
  expect(examples.length).toBeGreaterThanOrEqual(4);
  const [sliced, whole] = await Promise.all([compileAll(false), compileAll(true)]);
  expect(Object.keys(sliced)).toHaveLength(examples.length + 1);
  for (const result of Object.values(sliced)) expect((result as { probes: string[] }).probes.length).toBeGreaterThan(0);
  expect(sliced).toEqual(whole);
  // A compilation does not depend on what the process compiled before (the shared project keeps
  // the kernel declarations, and once kept each struct's accessed members from one to the next).
  expect(sliced.again).toEqual(sliced[example(examples[0]!)]);
  expect(whole.again).toEqual(whole[example(examples[0]!)]);
}, 60_000);
