// 001's bpftrace one-liner "Files opened by process":
//   tracepoint:syscalls:sys_enter_open { printf("%s %s\n", comm, str(args->filename)); }
// `args` is the tracepoint's record as its format file lays it out (events/syscalls/
// sys_enter_open/format); bpftrace's str() reads at most 64 bytes (BPFTRACE_STRLEN), and so does
// this. open(2) itself, not openat(2): glibc's open() calls openat, so only programs making the
// open system call show up, as with bpftrace.
//   tsbpf run examples/oneliners/opens.bpf.ts --duration 5
import { Probe, bpf, tracepoint, type CharArray, type i32, type u16, type u64, type u8 } from "tsbpf";

/** The record of syscalls:sys_enter_open, member for member as its format file says. */
export interface SysEnterOpenArgs {
  common_type: u16;
  common_flags: u8;
  common_preempt_count: u8;
  common_pid: i32;
  __syscall_nr: i32;
  filename: u64;
  flags: u64;
  mode: u64;
}

export class Opens extends Probe {
  @tracepoint("syscalls", "sys_enter_open")
  onOpen(args: SysEnterOpenArgs): i32 {
    const comm: CharArray<16> = "";
    const filename: CharArray<64> = "";
    bpf.getCurrentComm(comm);
    bpf.probeReadUserStr(filename, args.filename);
    bpf.printk("%s %s", comm, filename);
    return 0;
  }
}
