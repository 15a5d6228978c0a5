// 002's sigsnoop, written as the tutorial writes it: kill(2) and tkill(2), their arguments kept in
// the hash `values` from sys_enter to sys_exit (keyed by thread id), and at exit one bpf_printk
// line with the sender, its comm, the signal, the target and the result (five values: tsbpf passes
// them to bpf_trace_vprintk, Linux 5.16, as libbpf's bpf_printk macro does). (examples/sigsnoop.bpf.ts
// sends ring buffer events.)
// - The tutorial's probe_entry stores under an uninitialised `tid` (undefined behaviour; the
//   verifier refuses reading uninitialised stack); probe_exit looks the event up under the thread
//   id, so that is the key here too.
//   tsbpf run examples/eunomia/sigsnoop.bpf.ts
import { HashMap, Probe, bpf, i32, tracepoint, u32, type CharArray, type SysEnterContext, type SysExitContext } from "tsbpf";

const MAX_ENTRIES = 10240;
const TASK_COMM_LEN = 16;

/** sigsnoop.h's struct event. */
export interface SignalEvent {
  pid: u32;
  tpid: u32;
  sig: i32;
  ret: i32;
  comm: CharArray<typeof TASK_COMM_LEN>;
}

export class SigSnoopPrintk extends Probe {
  values = new HashMap<u32, SignalEvent>({ maxEntries: MAX_ENTRIES });

  probe_entry(tpid: i32, sig: i32): i32 {
    const pid_tgid = bpf.getCurrentPidTgid();
    const tid = u32(pid_tgid);
    const event: SignalEvent = { pid: u32(pid_tgid >> 32n), tpid: u32(tpid), sig, ret: 0, comm: "" };
    bpf.getCurrentComm(event.comm);
    this.values.update(tid, event);
    return 0;
  }

  probe_exit(ret: i32): i32 {
    const pid_tgid = bpf.getCurrentPidTgid();
    const tid = u32(pid_tgid);
    const eventp = this.values.lookup(tid);
    if (eventp === null) return 0;
    eventp.ret = ret;
    const comm: CharArray<typeof TASK_COMM_LEN> = eventp.comm;
    bpf.printk("PID %d (%s) sent signal %d to PID %d, ret = %d", eventp.pid, comm, eventp.sig, eventp.tpid, eventp.ret);
    this.values.delete(tid);
    return 0;
  }

  @tracepoint("syscalls", "sys_enter_kill")
  kill_entry(ctx: SysEnterContext): i32 {
    return this.probe_entry(i32(ctx.args[0]), i32(ctx.args[1]));
  }

  @tracepoint("syscalls", "sys_exit_kill")
  kill_exit(ctx: SysExitContext): i32 {
    return this.probe_exit(i32(ctx.ret));
  }

  @tracepoint("syscalls", "sys_enter_tkill")
  tkill_entry(ctx: SysEnterContext): i32 {
    return this.probe_entry(i32(ctx.args[0]), i32(ctx.args[1]));
  }

  @tracepoint("syscalls", "sys_exit_tkill")
  tkill_exit(ctx: SysExitContext): i32 {
    return this.probe_exit(i32(ctx.ret));
  }
}
