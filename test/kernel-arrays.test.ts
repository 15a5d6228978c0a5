// Kernel arrays at variable indexes, in the kernel (test/fixtures/kernel-arrays.bpf.ts): the test
// makes a kill(2) the program recognises, and checks what it read against independent references:
// the comm bpf_get_current_comm gives, /proc/self/limits, the syscall's own arguments. Indexes out
// of range (negative, or past the end) read 0.
import { readFileSync } from "node:fs";
import { expect, it } from "vitest";
import { load } from "tsbpf";
import { KernelArrays } from "./fixtures/kernel-arrays.bpf.ts";
import { describeKernel } from "./support/kernel.js";

const SYS_KILL = { x64: 62n, arm64: 129n } as Record<string, bigint>;
/** A pid above PID_MAX_LIMIT (2^22): kill(MARKER, 0) fails with ESRCH and signals nobody. */
const MARKER = 0x3fff_ff00;

/** The soft and hard limits of /proc/self/limits, in resource order (RLIMIT_CPU = 0 …). */
function limits(): { soft: bigint; hard: bigint }[] {
  const value = (s: string) => (s === "unlimited" ? (1n << 64n) - 1n : BigInt(s));
  return readFileSync("/proc/self/limits", "utf8").split("\n").slice(1).filter((l) => l.trim())
    .map((line) => line.slice(26).trim().split(/\s+/))
    .map(([soft, hard]) => ({ soft: value(soft!), hard: value(hard!) }));
}

describeKernel("variable indexes into kernel arrays", () => {
  it("reads task.comm[i], task.signal.rlim[i].rlim_max and ctx.args[i], directly and through bpf_probe_read_kernel", async () => {
    const syscall = SYS_KILL[process.arch];
    if (syscall === undefined) throw new Error(`no kill(2) number for ${process.arch}`);
    await using probe = await load(KernelArrays, { config: { targetTgid: process.pid, syscall, marker: BigInt(MARKER) } });
    probe.attach();
    probe.starts.set(0, { comm: -2, rlim: 0, args: 0 });
    expect(() => process.kill(MARKER, 0)).toThrow(/ESRCH/);
    const seen = probe.seen.get(0)!;
    expect(seen.hits).toBe(1);
    const comm = [...Buffer.from(seen.reference.padEnd(16, "\0"), "latin1")];
    expect(seen.reference.length).toBeGreaterThan(0);
    // Indexes -2 … 17: two out of range below, the 16 bytes, two out of range above.
    const expected = [0, 0, ...comm, 0, 0];
    expect([...seen.comm]).toEqual(expected);
    expect([...seen.commProbed]).toEqual(expected);
    const hard = limits().map((l) => l.hard);
    expect(hard).toHaveLength(16);
    expect([...seen.rlimMax]).toEqual(hard);
    expect([...seen.rlimMaxProbed]).toEqual(hard);
    // kill(MARKER, 0): args 0 … 5 as the kernel recorded them (the rest are registers' leftovers),
    // then indexes 6 and 7 out of range.
    expect(seen.args[0]).toBe(BigInt(MARKER));
    expect(seen.args[1]).toBe(0n);
    expect([seen.args[6], seen.args[7]]).toEqual([0n, 0n]);
  });
});
