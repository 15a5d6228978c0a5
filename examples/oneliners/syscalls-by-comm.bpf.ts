// 001's bpftrace one-liner "Syscall count by program":
//   tracepoint:raw_syscalls:sys_enter { @[comm] = count(); }
// `@` is a map keyed by the command name; bpftrace's count() keeps a per-CPU count (no atomics)
// and adds the CPUs up when it prints, as user space does with this map's per-CPU values.
//   tsbpf run examples/oneliners/syscalls-by-comm.bpf.ts --duration 5
import { PerCpuHash, Probe, bpf, tracepoint, type CharArray, type i32, type u64 } from "tsbpf";

/** bpftrace's map key `comm`. */
export interface CommKey {
  comm: CharArray<16>;
}

export class SyscallsByComm extends Probe {
  counts = new PerCpuHash<CommKey, u64>({ maxEntries: 4096 });

  @tracepoint("raw_syscalls", "sys_enter")
  onSyscall(): i32 {
    const key: CommKey = { comm: "" };
    bpf.getCurrentComm(key.comm);
    this.counts.increment(key);
    return 0;
  }
}
