// 001's bpftrace one-liner "Read size distribution by process":
//   tracepoint:syscalls:sys_exit_read { @[comm] = hist(args->ret); }
// bpftrace keeps a hist() as one count per (key, bucket), in a per-CPU map: bucket 0 holds the
// negative values, 1 holds 0, and bucket k >= 2 holds [2^(k-2), 2^(k-1)) — so 1 is bucket 2,
// 2..3 bucket 3, 64..127 bucket 8. User space prints the buckets of each comm.
//   tsbpf run examples/oneliners/read-size-hist.bpf.ts --duration 5
import { PerCpuHash, Probe, bpf, tracepoint, u64, type CharArray, type i32, type SysExitContext } from "tsbpf";

export interface HistKey {
  comm: CharArray<16>;
  bucket: u64;
}

export class ReadSizeHist extends Probe {
  hist = new PerCpuHash<HistKey, u64>({ maxEntries: 4096 });

  @tracepoint("syscalls", "sys_exit_read")
  onRead(args: SysExitContext): i32 {
    const ret = args.ret;
    let bucket: u64 = 1n;
    if (ret < 0n) bucket = 0n;
    else if (ret > 0n) bucket = u64(bpf.log2l(u64(ret)) + 2);
    const key: HistKey = { comm: "", bucket };
    bpf.getCurrentComm(key.comm);
    this.hist.increment(key);
    return 0;
  }
}
