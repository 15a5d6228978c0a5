// execsnoop: every execve(2) on the machine, with the process, its parent (read from the kernel's
// task_struct through CO-RE: compiled once, it finds real_parent and tgid on any kernel), the
// user, the command name before the exec and the file being executed.
//
//   npx tsbpf run examples/execsnoop.bpf.ts
import { Probe, RingBuf, bpf, tracepoint, u32, type CharArray, type i32, type Ptr, type SysEnterContext } from "tsbpf";
import type { task_struct } from "tsbpf/vmlinux";

export interface ExecEvent {
  pid: u32;
  ppid: u32;
  uid: u32;
  comm: CharArray<16>;
  filename: CharArray<256>;
}

export class ExecSnoop extends Probe {
  events = new RingBuf<ExecEvent>({ size: 256 * 1024 });

  @tracepoint("syscalls", "sys_enter_execve")
  onExecve(ctx: SysEnterContext): i32 {
    const task: Ptr<task_struct> = bpf.getCurrentTask();
    const event: ExecEvent = {
      pid: u32(bpf.getCurrentPidTgid() >> 32n),
      ppid: u32(task.real_parent.tgid), // CO-RE: task->real_parent->tgid
      uid: u32(bpf.getCurrentUidGid()),
      comm: "",
      filename: "",
    };
    bpf.getCurrentComm(event.comm);
    bpf.probeReadUserStr(event.filename, ctx.args[0]);
    this.events.output(event);
    return 0;
  }
}
