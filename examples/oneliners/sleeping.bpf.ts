// 001's bpftrace one-liner "Sleeping calls":
//   tracepoint:syscalls:sys_enter_nanosleep { printf("%s is sleeping.\n", comm); }
// bpftrace's printf goes to its own perf buffer; the kernel-side printf is bpf_printk, which is
// what this prints with (read it with `tsbpf run`, or tracePipe()).
//   tsbpf run examples/oneliners/sleeping.bpf.ts --duration 5
import { Probe, bpf, tracepoint, type CharArray, type i32 } from "tsbpf";

export class Sleeping extends Probe {
  @tracepoint("syscalls", "sys_enter_nanosleep")
  onNanosleep(): i32 {
    const comm: CharArray<16> = "";
    bpf.getCurrentComm(comm);
    bpf.printk("%s is sleeping.", comm);
    return 0;
  }
}
