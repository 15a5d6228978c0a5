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
    // Reserved in the ring and written in place, as libbpf's execsnoop does: no copy on the stack.
    const event = this.events.reserve();
    if (event === null) return 0; // counted by the reader's failedReservations
    const task: Ptr<task_struct> = bpf.getCurrentTask();
    event.pid = u32(bpf.getCurrentPidTgid() >> 32n);
    event.ppid = u32(task.real_parent.tgid); // CO-RE: task->real_parent->tgid
    event.uid = u32(bpf.getCurrentUidGid());
    bpf.getCurrentComm(event.comm);
    bpf.probeReadUserStr(event.filename, ctx.args[0]);
    this.events.submit(event);
    return 0;
  }
}
