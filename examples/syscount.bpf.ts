// syscount: system calls per process, counted in a per-CPU hash (no atomics, no contention: each
// CPU counts into its own slot; user space adds the slots up). One lookup per call: the count is
// bumped in place, and only a process's first call on a CPU inserts it (libbpf's syscount does the
// same with a shared hash and an atomic add, and without a pid filter).
//   tsbpf run examples/syscount.bpf.ts --duration 5 [--config targetPid=<pid>]
import { PerCpuHash, Probe, UpdateFlags, bpf, config, tracepoint, u32, type i32, type u64 } from "tsbpf";

export class SysCount extends Probe {
  /** Process id → system calls it made, one count per CPU. */
  counts = new PerCpuHash<u32, u64>({ maxEntries: 10240 });
  /** Only this process; 0: every process. */
  @config targetPid: u32 = 0;

  @tracepoint("raw_syscalls", "sys_enter")
  onSyscall(): i32 {
    const pid = u32(bpf.getCurrentPidTgid() >> 32n);
    if (this.targetPid !== 0 && pid !== this.targetPid) return 0;
    const count = this.counts.lookup(pid);
    if (count !== null) count.value += 1n; // this CPU's own slot: nothing else writes it
    else this.counts.update(pid, 1n, UpdateFlags.NoExist);
    return 0;
  }
}
