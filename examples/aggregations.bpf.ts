// Aggregations, bpftrace's one-liners as fields: system calls counted by program, the sizes that
// read(2) returns as a power-of-two histogram, and how long clock_nanosleep sleeps, per program
// (a start timestamp kept in an internal map between entry and exit, as runqlat keeps its own).
//   tsbpf run examples/aggregations.bpf.ts --duration 5 [--interval 1 --clear] [--config targetPid=<pid>]
// The same in bpftrace:
//   tracepoint:raw_syscalls:sys_enter { @syscalls[comm] = count(); }
//   tracepoint:syscalls:sys_exit_read /args->ret > 0/ { @readBytes = hist(args->ret); }
//   tracepoint:syscalls:sys_enter_clock_nanosleep { @start[tid] = nsecs; }
//   tracepoint:syscalls:sys_exit_clock_nanosleep /@start[tid]/ { @sleepNs[comm] = hist(nsecs - @start[tid]); delete(@start[tid]); }
import {
  CountMap, HashMap, Log2Histogram, Probe, bpf, config, tracepoint, u32, u64,
  type CharArray, type SysExitContext, type i32,
} from "tsbpf";

export class Aggregations extends Probe {
  /** Only this process; 0: every process. */
  @config targetPid: u32 = 0;
  /** @syscalls[comm] = count() */
  syscalls = new CountMap<CharArray<16>>();
  /** @readBytes = hist(args->ret) */
  readBytes = new Log2Histogram();
  /** @sleepNs[comm] = hist(nsecs - @start[tid]) */
  sleepNs = new Log2Histogram<CharArray<16>>();
  /** Thread id → when its clock_nanosleep began: state, not a result (`--all-maps` prints it). */
  start = new HashMap<u32, u64>({ maxEntries: 10240, internal: true });

  /** Whether the current process is the one watched (or every process is). */
  watched(): boolean {
    return this.targetPid === 0 || u32(bpf.getCurrentPidTgid() >> 32n) === this.targetPid;
  }

  @tracepoint("raw_syscalls", "sys_enter")
  onSyscall(): i32 {
    if (!this.watched()) return 0;
    const comm: CharArray<16> = "";
    bpf.getCurrentComm(comm);
    this.syscalls.count(comm);
    return 0;
  }

  @tracepoint("syscalls", "sys_exit_read")
  onRead(ctx: SysExitContext): i32 {
    if (!this.watched() || ctx.ret <= 0) return 0;
    this.readBytes.record(u64(ctx.ret));
    return 0;
  }

  @tracepoint("syscalls", "sys_enter_clock_nanosleep")
  onSleep(): i32 {
    if (!this.watched()) return 0;
    this.start.update(u32(bpf.getCurrentPidTgid()), bpf.ktimeGetNs());
    return 0;
  }

  @tracepoint("syscalls", "sys_exit_clock_nanosleep")
  onWake(): i32 {
    const tid = u32(bpf.getCurrentPidTgid());
    const began = this.start.lookup(tid);
    if (began === null) return 0;
    const slept = bpf.ktimeGetNs() - began.value;
    this.start.delete(tid);
    const comm: CharArray<16> = "";
    bpf.getCurrentComm(comm);
    this.sleepNs.record(comm, slept);
    return 0;
  }
}
