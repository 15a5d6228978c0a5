// Kernel arrays at variable indexes, in the kernel (test/fixtures/kernel-arrays.bpf.ts): a task
// iterator reads this process's main thread, and a kill(2) the tracepoint recognises shows its
// arguments; every value is checked against an independent reference (/proc/self/comm,
// /proc/self/limits, NSpid in /proc/self/status, the syscall's own arguments). Indexes out of range (negative, or past the
// end) read 0.
import { readFileSync } from "node:fs";
import { expect, it } from "vitest";
import { load } from "tsbpf";
import { KernelArrays } from "./fixtures/kernel-arrays.bpf.ts";
import { describeKernel } from "./support/kernel.js";

const SYS_KILL: Record<string, bigint> = { x64: 62n, arm64: 129n };
/** A pid above PID_MAX_LIMIT (2^22): kill(MARKER, 0) fails with ESRCH and signals nobody. */
const MARKER = 0x3fff_ff00;

/** The hard limits of /proc/self/limits, in resource order (RLIMIT_CPU = 0 …). */
function hardLimits(): bigint[] {
  const value = (s: string) => (s === "unlimited" ? (1n << 64n) - 1n : BigInt(s));
  return readFileSync("/proc/self/limits", "utf8").split("\n").slice(1).filter((l) => l.trim())
    .map((line) => value(line.slice(26).trim().split(/\s+/)[1]!));
}

async function loadProbe() {
  const syscall = SYS_KILL[process.arch];
  if (syscall === undefined) throw new Error(`no kill(2) number for ${process.arch}`);
  return load(KernelArrays, { config: { targetTid: process.pid, syscall, marker: BigInt(MARKER) } });
}

describeKernel("variable indexes into kernel arrays", () => {
  it("task.comm[i], task.signal.rlim[i].rlim_max (and in a for…of) and thread_pid.numbers[level].nr, through an iterator's task and through bpf_probe_read_kernel", async () => {
    await using probe = await loadProbe();
    const comm = [...Buffer.from(readFileSync("/proc/self/comm", "latin1").replace(/\n$/, "").padEnd(16, "\0"), "latin1")];
    const hard = hardLimits();
    // The main thread's pid in this process's pid namespace: the last entry of NSpid.
    const nspid = Number(/^NSpid:\s+(.*)$/m.exec(readFileSync("/proc/self/status", "utf8"))![1]!.trim().split(/\s+/).pop());
    expect(hard).toHaveLength(16);
    for (const start of [-2, 0, 3]) {
      probe.starts.set(0, { comm: start, rlim: start, args: 0 });
      probe.tasks.set(0, { comm: Array(20).fill(0xff), commProbed: Array(20).fill(0xff), rlimMax: Array(16).fill(1n), rlimMaxProbed: Array(16).fill(1n), rlimMaxFor: Array(16).fill(1n), nsPid: -1, nsPidProbed: -1, hits: 0 });
      const link = probe.programs.eachTask.attach() as unknown as { read(): Uint8Array; [Symbol.dispose](): void };
      link.read();
      const seen = probe.tasks.get(0)!;
      expect(seen.hits).toBe(1);
      const chars = Array.from({ length: 20 }, (_, k) => comm[start + k] ?? 0);
      expect([start, [...seen.comm]]).toEqual([start, chars]);
      expect([start, [...seen.commProbed]]).toEqual([start, chars]);
      const limits = Array.from({ length: 16 }, (_, k) => hard[start + k] ?? 0n);
      expect([start, [...seen.rlimMax]]).toEqual([start, limits]);
      expect([start, [...seen.rlimMaxProbed]]).toEqual([start, limits]);
      expect([seen.nsPid, seen.nsPidProbed]).toEqual([nspid, nspid]);
      expect([...seen.rlimMaxFor]).toEqual(hard);
    }
  });

  it("ctx.args[i] of a raw_syscalls record typed as trace_event_raw_sys_enter, a SysEnterContext and a raw tracepoint's arguments", async () => {
    await using probe = await loadProbe();
    probe.attach();
    for (const start of [0, -1, 4]) {
      probe.starts.set(0, { comm: 0, rlim: 0, args: start });
      for (const slot of [0, 1, 2]) probe.syscalls.set(slot, { args: Array(8).fill(1n), hits: 0 });
      expect(() => process.kill(MARKER, 0)).toThrow(/ESRCH/);
      // kill(MARKER, 0): in the records, args 0 and 1 are known (the rest of raw_syscalls' are
      // registers' leftovers, and sys_enter_kill's record ends after 2); 6 and 7, and below 0,
      // are out of range. The raw tracepoint's arguments are (regs, id): id is known; below 0 is
      // out of range.
      const records = [probe.syscalls.get(0)!, probe.syscalls.get(1)!];
      for (const [slot, seen] of records.entries()) {
        expect([slot, seen.hits]).toEqual([slot, 1]);
        const at = (index: number) => seen.args[index - start]!;
        if (start <= 0) expect([slot, at(0), at(1)]).toEqual([slot, BigInt(MARKER), 0n]);
        for (let k = 0; k < 8; k++) if (start + k < 0 || start + k > 5) expect([slot, start + k, seen.args[k]]).toEqual([slot, start + k, 0n]);
      }
      const raw = probe.syscalls.get(2)!;
      expect(raw.hits).toBe(1);
      if (start <= 1) expect(raw.args[1 - start]).toBe(SYS_KILL[process.arch]);
      if (start === -1) expect(raw.args[0]).toBe(0n);
    }
  });
});
