// 002's opensnoop, written as the tutorial writes it: open(2) and openat(2) entries printed with
// bpf_printk. The filter `pid_target` (.rodata) is compared with the LOWER half of
// bpf_get_current_pid_tgid(), the thread id, as the tutorial's `u32 pid = id` does (for a
// single-threaded process the pid). (examples/opensnoop.bpf.ts is the ring buffer opensnoop.)
//   tsbpf run examples/eunomia/opensnoop.bpf.ts --config pid_target=<tid>
import { Probe, bpf, config, tracepoint, u32, type i32, type SysEnterContext } from "tsbpf";

export class CaptureSysOpen extends Probe {
  /** Process ID to trace (0: every one). */
  @config pid_target: i32 = 0;

  @tracepoint("syscalls", "sys_enter_open")
  tracepoint__syscalls__sys_enter_open(ctx: SysEnterContext): i32 {
    const id = bpf.getCurrentPidTgid();
    const pid = u32(id);
    if (this.pid_target !== 0 && u32(this.pid_target) !== pid) return 0; // `return false`
    bpf.printk("Process ID: %d enter sys open", pid);
    return 0;
  }

  @tracepoint("syscalls", "sys_enter_openat")
  tracepoint__syscalls__sys_enter_openat(ctx: SysEnterContext): i32 {
    const id = bpf.getCurrentPidTgid();
    const pid = u32(id);
    if (this.pid_target !== 0 && u32(this.pid_target) !== pid) return 0;
    bpf.printk("Process ID: %d enter sys openat", pid);
    return 0;
  }
}
