// Helpers declared by the generator (packages/tsbpf/src/dsl/helpers.generated.ts, from the kernel's
// bpf.h) compile to their ids and do what the kernel documents: run through BPF_PROG_TEST_RUN in
// a syscall program (Linux 5.14) and a raw_tp program (test runs: 5.10), in the test's own task.
import { readFileSync, statSync } from "node:fs";
import { cpus } from "node:os";
import { expect, it } from "vitest";
import { load } from "tsbpf";
import { describeKernel } from "@tsbpf/runtime/testing";
import { Helpers } from "./fixtures/helpers.bpf.ts";

/** The cgroup v2 id of this process: the inode number of its cgroup directory. */
function ownCgroupId(): bigint | undefined {
  const line = readFileSync("/proc/self/cgroup", "utf8").split("\n").find((l) => l.startsWith("0::"));
  if (!line) return undefined;
  for (const root of ["/sys/fs/cgroup", "/sys/fs/cgroup/unified"]) {
    try {
      return BigInt(statSync(`${root}${line.slice(3)}`, { bigint: true }).ino);
    } catch {
      // try the next mount point
    }
  }
  return undefined;
}

describeKernel("generated helper declarations in the kernel", () => {
  it("returns what the kernel's helpers give: time, randomness, NUMA node, CPU, jiffies", async () => {
    await using probe = await load(Helpers);
    const zero = { random1: 0, random2: 0, numaNode: -1, cpu: 0, bootNs: 0n, taiNs: 0n, monoNs: 0n, jiffies: 0n };
    const before = process.hrtime.bigint();
    const first = probe.programs.report.testRun({ ctx: zero }).ctxOut!;
    const second = probe.programs.report.testRun({ ctx: zero }).ctxOut!;
    expect(first.numaNode).toBe(0);
    expect(first.cpu).toBeLessThan(cpus().length);
    expect(first.monoNs).toBeGreaterThanOrEqual(before - 10_000_000n); // CLOCK_MONOTONIC, as hrtime
    expect(first.bootNs).toBeGreaterThanOrEqual(first.monoNs); // boot time also counts suspend
    expect(first.taiNs).toBeGreaterThan(1_600_000_000n * 1_000_000_000n); // TAI: after 2020
    expect(first.jiffies).toBeGreaterThan(0n);
    expect(second.jiffies).toBeGreaterThanOrEqual(first.jiffies);
    const randoms = [first.random1, first.random2, second.random1, second.random2];
    expect(new Set(randoms).size).toBeGreaterThan(1);
  });

  it("a raw_tp program sees the calling task's pid and cgroup, and its root cgroup", async () => {
    const cgroup = ownCgroupId();
    await using probe = await load(Helpers);
    const run = probe.programs.whoAmI;
    expect(run.testRun({ args: [BigInt(process.pid), cgroup ?? 0n] }).retval).toBe(cgroup === undefined ? 2 : 3);
    expect(run.testRun({ args: [BigInt(process.pid) + 1n, cgroup ?? 0n] }).retval).toBe(2);
  });
});
