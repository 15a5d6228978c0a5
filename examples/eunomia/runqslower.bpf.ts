// 002's runqslower, written as the tutorial writes it (libbpf-tools' runqslower.bpf.c): a task
// is stamped when woken (sched_wakeup, sched_wakeup_new) or preempted while still runnable
// (sched_switch with prev TASK_RUNNING); when it is switched in, its wait in the run queue goes to
// user space through a perf event array if it is longer than `min_us`, with both tasks' pids and
// comms. Twice, as the tutorial has it: on tp_btf (arguments typed from BTF, read directly) and on
// raw_tp (the same arguments as u64 values, cast to tasks and read with CO-RE probe reads). Both
// pass the program's context to handle_switch for bpf_perf_event_output.
//   tsbpf run examples/eunomia/runqslower.bpf.ts --class RunqSlower [--config min_us=10000]
//   tsbpf run examples/eunomia/runqslower.bpf.ts --class RunqSlowerRaw
import {
  HashMap, PerfEventArray, Probe, bpf, config, i32, i64, rawTracepoint, tp_btf, u32, u64,
  type CharArray, type Ptr, type RawTracepointArgs, type TracingArgs, type bool,
} from "tsbpf";
import type { task_struct } from "tsbpf/vmlinux";

const TASK_RUNNING = 0;

/** runqslower.h's struct event. */
export interface RunqEvent {
  task: CharArray<16>;
  prev_task: CharArray<16>;
  delta_us: u64;
  pid: i32;
  prev_pid: i32;
}

/**
 * core_fixes.bpf.h's two layouts of the task state: `__state` (an unsigned int, Linux 5.14) and
 * the older `volatile long state`.
 * @kernel
 */
interface task_struct___x {
  __state: u32;
}
/** @kernel */
interface task_struct___o {
  state: i64;
}

/** core_fixes.bpf.h's get_task_state(): whichever member this kernel has. */
function get_task_state(task: Ptr<task_struct>): i64 {
  const t = bpf.core.cast<task_struct___x>(task);
  if (bpf.core.fieldExists(t.__state)) return i64(t.__state);
  return bpf.core.cast<task_struct___o>(task).state;
}

export class RunqSlower extends Probe {
  @config min_us: u64 = 0n;
  @config targ_pid: i32 = 0;
  @config targ_tgid: i32 = 0;
  start = new HashMap<u32, u64>({ maxEntries: 10240 });
  events = new PerfEventArray<RunqEvent>();

  /** record enqueue timestamp */
  trace_enqueue(tgid: u32, pid: u32): i32 {
    if (pid === 0) return 0;
    if (this.targ_tgid !== 0 && u32(this.targ_tgid) !== tgid) return 0;
    if (this.targ_pid !== 0 && u32(this.targ_pid) !== pid) return 0;
    const ts = bpf.ktimeGetNs();
    this.start.update(pid, ts, 0n);
    return 0;
  }

  handle_switch(ctx: TracingArgs, prev: Ptr<task_struct>, next: Ptr<task_struct>): i32 {
    // ivcsw: treat like an enqueue event and store timestamp
    if (get_task_state(prev) === i64(TASK_RUNNING)) this.trace_enqueue(u32(prev.tgid), u32(prev.pid));
    const pid = u32(next.pid);
    // fetch timestamp and calculate delta
    const tsp = this.start.lookup(pid);
    if (tsp === null) return 0; // missed enqueue
    const delta_us = (bpf.ktimeGetNs() - tsp.value) / 1000n;
    if (this.min_us !== 0n && delta_us <= this.min_us) return 0;
    const event: RunqEvent = { task: "", prev_task: "", delta_us, pid: i32(pid), prev_pid: prev.pid };
    bpf.probeReadKernelStr(event.task, next.comm);
    bpf.probeReadKernelStr(event.prev_task, prev.comm);
    // output
    this.events.perfOutput(ctx, event);
    this.start.delete(pid);
    return 0;
  }

  @tp_btf("sched_wakeup")
  sched_wakeup(p: Ptr<task_struct>): i32 {
    return this.trace_enqueue(u32(p.tgid), u32(p.pid));
  }

  @tp_btf("sched_wakeup_new")
  sched_wakeup_new(p: Ptr<task_struct>): i32 {
    return this.trace_enqueue(u32(p.tgid), u32(p.pid));
  }

  @tp_btf("sched_switch")
  sched_switch(ctx: TracingArgs, preempt: bool, prev: Ptr<task_struct>, next: Ptr<task_struct>): i32 {
    return this.handle_switch(ctx, prev, next);
  }
}

/** The raw_tp twins: the tracepoints' arguments are `ctx.args[i]`, cast to tasks (BPF_PROG's casts). */
export class RunqSlowerRaw extends Probe {
  @config min_us: u64 = 0n;
  @config targ_pid: i32 = 0;
  @config targ_tgid: i32 = 0;
  start = new HashMap<u32, u64>({ maxEntries: 10240 });
  events = new PerfEventArray<RunqEvent>();

  trace_enqueue(tgid: u32, pid: u32): i32 {
    if (pid === 0) return 0;
    if (this.targ_tgid !== 0 && u32(this.targ_tgid) !== tgid) return 0;
    if (this.targ_pid !== 0 && u32(this.targ_pid) !== pid) return 0;
    const ts = bpf.ktimeGetNs();
    this.start.update(pid, ts, 0n);
    return 0;
  }

  handle_switch(ctx: RawTracepointArgs, prev: Ptr<task_struct>, next: Ptr<task_struct>): i32 {
    if (get_task_state(prev) === i64(TASK_RUNNING)) this.trace_enqueue(u32(prev.tgid), u32(prev.pid));
    const pid = u32(next.pid);
    const tsp = this.start.lookup(pid);
    if (tsp === null) return 0;
    const delta_us = (bpf.ktimeGetNs() - tsp.value) / 1000n;
    if (this.min_us !== 0n && delta_us <= this.min_us) return 0;
    const event: RunqEvent = { task: "", prev_task: "", delta_us, pid: i32(pid), prev_pid: prev.pid };
    bpf.probeReadKernelStr(event.task, next.comm);
    bpf.probeReadKernelStr(event.prev_task, prev.comm);
    this.events.perfOutput(ctx, event);
    this.start.delete(pid);
    return 0;
  }

  @rawTracepoint("sched_wakeup")
  handle_sched_wakeup(ctx: RawTracepointArgs): i32 {
    const p = bpf.core.cast<task_struct>(ctx.args[0]);
    return this.trace_enqueue(u32(p.tgid), u32(p.pid)); // BPF_CORE_READ(p, tgid), BPF_CORE_READ(p, pid)
  }

  @rawTracepoint("sched_wakeup_new")
  handle_sched_wakeup_new(ctx: RawTracepointArgs): i32 {
    const p = bpf.core.cast<task_struct>(ctx.args[0]);
    return this.trace_enqueue(u32(p.tgid), u32(p.pid));
  }

  @rawTracepoint("sched_switch")
  handle_sched_switch(ctx: RawTracepointArgs): i32 {
    // sched_switch(bool preempt, struct task_struct *prev, struct task_struct *next, ...)
    const prev = bpf.core.cast<task_struct>(ctx.args[1]);
    const next = bpf.core.cast<task_struct>(ctx.args[2]);
    return this.handle_switch(ctx, prev, next);
  }
}
