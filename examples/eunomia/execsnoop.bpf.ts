// 002's execsnoop, written as the tutorial writes it: execve(2)'s entry and exit, each sent as an
// `event` through a perf event array (bpf_perf_event_output with BPF_F_CURRENT_CPU). The entry
// reads the comm through the current task (`task->comm`, CO-RE), the exit with
// bpf_get_current_comm (by then the new program's name). (examples/execsnoop.bpf.ts is the ring
// buffer execsnoop with the parent and the file name.)
// - The tutorial's `struct event event;` is not initialised, so the entry sends stack garbage in
//   `ppid` and `retval` (and the verifier refuses reading uninitialised stack): here they are 0.
// - As in the tutorial, the exit's `pid` is the thread id (`pid = (pid_t)id`), the entry's the
//   process id (`event.pid = tgid`).
//   tsbpf run examples/eunomia/execsnoop.bpf.ts
import {
  PerfEventArray, Probe, bpf, i32, tracepoint, u32,
  type CharArray, type Ptr, type SysEnterContext, type SysExitContext, type bool,
} from "tsbpf";
import type { task_struct } from "tsbpf/vmlinux";

/** execsnoop.bpf.h's struct event. */
export interface ExecEvent {
  pid: i32;
  ppid: i32;
  uid: i32;
  retval: i32;
  is_exit: bool;
  comm: CharArray<16>;
}

export class ExecSnoopPerf extends Probe {
  events = new PerfEventArray<ExecEvent>();

  @tracepoint("syscalls", "sys_enter_execve")
  tracepoint__syscalls__sys_enter_execve(ctx: SysEnterContext): i32 {
    const uid = u32(bpf.getCurrentUidGid());
    const id = bpf.getCurrentPidTgid();
    const tgid = i32(id >> 32n);
    const event: ExecEvent = { pid: tgid, ppid: 0, uid: i32(uid), retval: 0, is_exit: false, comm: "" };
    const task: Ptr<task_struct> = bpf.getCurrentTask();
    bpf.probeReadKernelStr(event.comm, task.comm);
    this.events.perfOutput(ctx, event);
    return 0;
  }

  @tracepoint("syscalls", "sys_exit_execve")
  tracepoint__syscalls__sys_exit_execve(ctx: SysExitContext): i32 {
    const uid = u32(bpf.getCurrentUidGid());
    const id = bpf.getCurrentPidTgid();
    const pid = i32(id);
    const ret = i32(ctx.ret);
    const event: ExecEvent = { pid, ppid: 0, uid: i32(uid), retval: ret, is_exit: true, comm: "" };
    bpf.getCurrentComm(event.comm);
    this.events.perfOutput(ctx, event);
    return 0;
  }
}
