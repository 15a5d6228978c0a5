// sigsnoop: every kill(2) and tkill(2) on the machine — who sent which signal to whom, and what it
// returned. The arguments are kept in a hash map from sys_enter to sys_exit (keyed by thread),
// and the event goes out at exit, when the result is known.
//   tsbpf run examples/sigsnoop.bpf.ts --duration 5 [--config targetPid=<sender pid>]
import {
  HashMap, Probe, RingBuf, bpf, config, i32, tracepoint, u32,
  type CharArray, type SysEnterContext, type SysExitContext,
} from "tsbpf";

/** What sys_enter_kill saw, until sys_exit_kill. */
export interface KillStart {
  /** The sender's process id (kept here, so that the exit needs only the thread id). */
  pid: u32;
  targetPid: i32;
  signal: i32;
}

export interface SignalEvent {
  /** The sender's process id. */
  pid: u32;
  /** The pid kill(2) was given (0, negative: a process group), or tkill(2)'s thread id. */
  targetPid: i32;
  signal: i32;
  /** kill(2)'s result: 0 or a negative errno. */
  result: i32;
  comm: CharArray<16>;
}

export class SigSnoop extends Probe {
  starts = new HashMap<u32, KillStart>({ maxEntries: 10240 });
  events = new RingBuf<SignalEvent>({ size: 256 * 1024 });
  /** Only signals sent by this process; 0: every process's. */
  @config targetPid: u32 = 0;

  @tracepoint("syscalls", "sys_enter_kill")
  enter(ctx: SysEnterContext): i32 {
    return this.started(ctx);
  }

  @tracepoint("syscalls", "sys_exit_kill")
  exit(ctx: SysExitContext): i32 {
    return this.finished(ctx);
  }

  @tracepoint("syscalls", "sys_enter_tkill")
  tkillEnter(ctx: SysEnterContext): i32 {
    return this.started(ctx);
  }

  @tracepoint("syscalls", "sys_exit_tkill")
  tkillExit(ctx: SysExitContext): i32 {
    return this.finished(ctx);
  }

  /** At entry: the arguments, kept for the exit (the filter applies here). */
  started(ctx: SysEnterContext): i32 {
    const pidTgid = bpf.getCurrentPidTgid();
    const pid = u32(pidTgid >> 32n);
    if (this.targetPid !== 0 && pid !== this.targetPid) return 0;
    this.starts.update(u32(pidTgid), { pid, targetPid: i32(ctx.args[0]), signal: i32(ctx.args[1]) });
    return 0;
  }

  /** At exit: the event, with the result. */
  finished(ctx: SysExitContext): i32 {
    const result = i32(ctx.ret);
    const thread = u32(bpf.getCurrentPidTgid());
    const start = this.starts.lookup(thread);
    if (start === null) return 0;
    // Reserved in the ring and written in place (no copy on the stack), as libbpf's sigsnoop does.
    const event = this.events.reserve();
    if (event !== null) {
      event.pid = start.pid;
      event.targetPid = start.targetPid;
      event.signal = start.signal;
      event.result = result;
      bpf.getCurrentComm(event.comm);
      this.events.submit(event);
    }
    this.starts.delete(thread);
    return 0;
  }
}
