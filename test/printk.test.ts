// bpf_printk beyond three values: the compiler passes them as an array to bpf_trace_vprintk
// (Linux 5.16), as libbpf's bpf_printk macro does, and keeps bpf_trace_printk for three or fewer.
// The lines are read from a private tracefs instance while this process calls getppid(), and
// checked against the values the probe was given (its comm is this process's).
import { readFileSync } from "node:fs";
import { expect, it } from "vitest";
import { load } from "tsbpf";
import { PrintkMany } from "./fixtures/printk-many.bpf.ts";
import { describeKernel } from "./support/kernel.js";
import { printkWhile } from "./support/printk.js";

describeKernel("bpf.printk with more than three values", () => {
  it("prints up to twelve values through bpf_trace_vprintk, three or fewer through bpf_trace_printk", async () => {
    await using probe = await load(PrintkMany, { config: { targetPid: process.pid } });
    const calls = new Set(probe.object.spec.programs[0]!.instructions.filter((i) => i.code === 0x85 && i.src === 0).map((i) => i.imm));
    expect([...calls].filter((id) => id === 6 || id === 177).sort((a, b) => a - b)).toEqual([6, 177]);
    probe.attach();
    // process.ppid is a getppid(2) call each time it is read (libuv's uv_os_getppid).
    const lines = await printkWhile(() => process.ppid);
    const mine = lines.filter((l) => l.pid === process.pid).map((l) => l.message);
    const comm = readFileSync("/proc/self/comm", "utf8").trim();
    expect(mine).toEqual([
      `five pid=${process.pid} comm=${comm} neg=-42 big=fedcba9876543210 small=7`,
      "twelve 1 2 3 4 5 6 7 8 9 10 11 12",
      "three 1 2 3",
    ]);
  });
});
