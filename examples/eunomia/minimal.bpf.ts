// 002 (the eunomia-bpf tutorial)'s hello ("minimal"), written as the tutorial writes it: at every
// write(2), bpf_printk the writer's pid; `pid_filter` is a constant in .rodata (C's
// `const pid_t pid_filter = 0`), 0 printing every process. (examples/hello.bpf.ts is the repo's
// own hello, which also prints the fd.)
//   tsbpf run examples/eunomia/minimal.bpf.ts --config pid_filter=<pid>
import { Probe, bpf, config, i32, tracepoint } from "tsbpf";

export class Minimal extends Probe {
  @config pid_filter: i32 = 0;

  @tracepoint("syscalls", "sys_enter_write")
  handle_tp(): i32 {
    const pid = i32(bpf.getCurrentPidTgid() >> 32n);
    if (this.pid_filter !== 0 && pid !== this.pid_filter) return 0;
    bpf.printk("BPF triggered from PID %d.", pid);
    return 0;
  }
}
