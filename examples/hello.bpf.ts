// hello: at every write(2), print the writer's PID to the kernel trace buffer.
//   tsbpf run examples/hello.bpf.ts --duration 5 [--config targetPid=<pid>]
// Beside libbpf's hello this also prints the fd written to: reading the tracepoint's arguments is
// part of what it shows (the context is kept in a register across the helper call for it).
import { Probe, bpf, config, tracepoint, u32, type i32, type SysEnterContext } from "tsbpf";

export class Hello extends Probe {
  /** Only this process's writes are printed; 0 prints every process's. */
  @config targetPid: u32 = 0;

  @tracepoint("syscalls", "sys_enter_write")
  onWrite(ctx: SysEnterContext): i32 {
    const pid = u32(bpf.getCurrentPidTgid() >> 32n);
    if (this.targetPid !== 0 && pid !== this.targetPid) return 0;
    bpf.printk("hello: write by pid %d to fd %d", pid, ctx.args[0]);
    return 0;
  }
}
