// bpf.findVma(task, addr, (task, vma) => ...) compiled to bpf_find_vma (Linux 5.17) and run at
// sys_enter_write for this process: the area it reports for an address is compared with
// /proc/self/maps, and an address no area holds gives -ENOENT.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { Codes } from "../diagnostics/codes.js";
import { describeKernel } from "../testing/kernel.js";
import { runKernelCase, type KernelCase } from "../testing/kernel-run.js";
import { compileText, probeSource } from "../testing/probes.js";

const PREAMBLE = `
/** @kernel */
interface task_struct { pid: i32; tgid: i32 }
/** @kernel */
interface vm_area_struct { vm_start: u64; vm_end: u64; vm_mm: u64 }
declare module "tsbpf" { interface KernelTypes { task_struct: task_struct; vm_area_struct: vm_area_struct } }
`;

const CASE: KernelCase = {
  preamble: PREAMBLE,
  body: `
    const task = bpf.getCurrentTask();
    let start: u64 = 0n;
    let end: u64 = 7n;
    let tgid: i32 = 0;
    const found = bpf.findVma(task, A, (owner, vma) => {
      start = vma.vm_start;
      end = vma.vm_end;
      tgid = owner.tgid;
    });
    out(0, u64(found));
    out(1, start);
    out(2, end);
    out(3, u64(tgid));`,
};

const EBUSY = BigInt.asUintN(64, -16n);
const ENOENT = BigInt.asUintN(64, -2n);

/** The mappings of this process: [start, end) of each line of /proc/self/maps, with its path. */
function mappings(): { start: bigint; end: bigint; path: string }[] {
  return readFileSync("/proc/self/maps", "utf8").trim().split("\n").map((line) => {
    const [range, , , , , path = ""] = line.split(/\s+/);
    const [start, end] = range!.split("-").map((x) => BigInt(`0x${x}`));
    return { start: start!, end: end!, path };
  });
}

describeKernel("bpf.findVma (bpf_find_vma) in the kernel", () => {
  it("reports the area holding an address as /proc/self/maps does, and -ENOENT where none does", async () => {
    // File-backed mappings of the node binary do not move while the test runs.
    const text = mappings().filter((m) => m.path === process.execPath || m.path.endsWith("/node"));
    expect(text.length).toBeGreaterThan(0);
    const area = text[Math.floor(text.length / 2)]!;
    const inside = area.start + (area.end - area.start) / 2n;
    const inputs = [[inside, 0n, 0n], [area.start, 0n, 0n], [16n, 0n, 0n]];
    let results = await runKernelCase(CASE, inputs);
    // -EBUSY: another thread held the mmap lock at that moment (documented, transient): run again.
    for (let tries = 0; tries < 5 && results.some((r) => r.get(0) === EBUSY); tries++) results = await runKernelCase(CASE, inputs);
    const found = { 0: 0n, 1: area.start, 2: area.end, 3: BigInt(process.pid) };
    expect(results.map((r) => Object.fromEntries(r))).toEqual([found, found, { 0: ENOENT, 1: 0n, 2: 7n, 3: 0n }]);
  });
});

describe("bpf.findVma diagnostics", () => {
  it("needs a task the verifier knows: a syscall program's is a plain address", () => {
    const source = `import { Probe, syscall, bpf, type i32, type u64 } from "tsbpf";
${PREAMBLE}
interface Out { start: u64 }
export class S extends Probe {
  @syscall
  run(ctx: Out): i32 {
    bpf.findVma(bpf.getCurrentTask(), 0n, (t, vma) => { ctx.start = vma.vm_start; });
    return 0;
  }
}
`;
    const errors = compileText(source).diagnostics.filter((d) => d.category === "error");
    expect(errors.map((d) => [d.code, d.line])).toEqual([[Codes.HelperArguments, 13]]);
    expect(errors[0]!.hint).toMatch(/tracing program/);
  });

  it("refuses a callback that is not an arrow function", () => {
    const source = probeSource(`
    bpf.findVma(bpf.getCurrentTask(), 0n, function (t, vma) { return 0 as const; });
    return 0;`, { preamble: PREAMBLE });
    const errors = compileText(source).diagnostics.filter((d) => d.category === "error");
    expect(errors.map((d) => d.code)).toEqual([Codes.Callback]);
  });
});
