// 001's bpftrace one-liner "Read bytes by process":
//   tracepoint:syscalls:sys_exit_read /args->ret/ { @[comm] = sum(args->ret); }
// The filter keeps every non-zero result, failures (negative errnos) included, exactly as
// bpftrace's does; sum() is a per-CPU signed sum.
//   tsbpf run examples/oneliners/read-bytes.bpf.ts --duration 5
import { PerCpuHash, Probe, bpf, tracepoint, type CharArray, type i32, type i64, type SysExitContext } from "tsbpf";

/** bpftrace's map key `comm`. */
export interface CommKey {
  comm: CharArray<16>;
}

export class ReadBytes extends Probe {
  sums = new PerCpuHash<CommKey, i64>({ maxEntries: 4096 });

  @tracepoint("syscalls", "sys_exit_read")
  onRead(args: SysExitContext): i32 {
    if (args.ret === 0n) return 0;
    const key: CommKey = { comm: "" };
    bpf.getCurrentComm(key.comm);
    const sum = this.sums.lookup(key);
    if (sum !== null) sum.value += args.ret;
    else this.sums.update(key, args.ret);
    return 0;
  }
}
