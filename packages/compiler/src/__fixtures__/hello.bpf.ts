// The brief's Hello: printk of every write's pid and fd, filtered by a @config pid.
import { Probe, tracepoint, config, bpf, u32, type SysEnterContext, type i32 } from "tsbpf";
export class Hello extends Probe {
  @config targetPid: u32 = 0;
  @tracepoint("syscalls", "sys_enter_write")
  onWrite(ctx: SysEnterContext): i32 {
    const pid = u32(bpf.getCurrentPidTgid() >> 32n);
    if (this.targetPid !== 0 && pid !== this.targetPid) return 0;
    bpf.printk("hello: write by pid %d, fd %d", pid, ctx.args[0]);
    return 0;
  }
}
