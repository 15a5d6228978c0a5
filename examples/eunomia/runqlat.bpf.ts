// 002's runqlat, written as the tutorial writes it (libbpf-tools' runqlat.bpf.c on raw_tp): how
// long tasks wait in the run queue, as log2 histograms in the hash `hists`, one per process
// (`targ_per_process`), per thread (`targ_per_thread`), per pid namespace (`targ_per_pidns`) or
// one for everything (key -1); microseconds, or milliseconds with `targ_ms`. Each histogram is
// created with lookupOrInit (bcc's bpf_map_lookup_or_try_init) and its slot bumped atomically
// (__sync_fetch_and_add); its comm is the first task counted in it.
// - The cgroup filter is C's `bpf_current_task_under_cgroup(&cgroup_map, 0)`: user space puts the
//   cgroup at index 0 of the cgroup array (`probe.cgroup_map.set(0, "/sys/fs/cgroup/...")`).
// - `delta /= 1000U` divides a signed 64-bit value: BPF's signed division (cpu v4, Linux 6.6), as
//   clang emits for the same C with -mcpu=v4.
//   tsbpf run examples/eunomia/runqlat.bpf.ts --config targ_per_process=1
import {
  CgroupArray, HashMap, Probe, atomics, bpf, config, i64, rawTracepoint, u32, u64, zero,
  type CharArray, type FixedArray, type Ptr, type RawTracepointArgs, type bool, type i32,
} from "tsbpf";
import type { task_struct } from "tsbpf/vmlinux";

const MAX_SLOTS = 26;
const TASK_RUNNING = 0;

/** runqlat.h's struct hist. */
export interface Hist {
  slots: FixedArray<u32, 26>;
  comm: CharArray<16>;
}

/** @kernel */
interface task_struct___x {
  __state: u32;
}
/** @kernel */
interface task_struct___o {
  state: i64;
}

/** core_fixes.bpf.h's get_task_state(). */
function get_task_state(task: Ptr<task_struct>): i64 {
  const t = bpf.core.cast<task_struct___x>(task);
  if (bpf.core.fieldExists(t.__state)) return i64(t.__state);
  return bpf.core.cast<task_struct___o>(task).state;
}

/** The pid namespace's inode number, following task_active_pid_ns(): pid->numbers[pid->level].ns. */
function pid_namespace(task: Ptr<task_struct>): u32 {
  const pid = task.thread_pid;
  const level = pid.level;
  const inum = pid.numbers[level].ns.ns.inum;
  return inum;
}

export class RunqLat extends Probe {
  @config filter_cg: bool = false;
  @config targ_per_process: bool = false;
  @config targ_per_thread: bool = false;
  @config targ_per_pidns: bool = false;
  @config targ_ms: bool = false;
  @config targ_tgid: i32 = 0;
  cgroup_map = new CgroupArray({ maxEntries: 1 });
  start = new HashMap<u32, u64>({ maxEntries: 10240 });
  hists = new HashMap<u32, Hist>({ maxEntries: 10240 });

  /** `bpf_current_task_under_cgroup(&cgroup_map, 0)`: 0 when the task is outside the cgroup (C's `!` of it). */
  under_cgroup(): bool {
    return this.cgroup_map.currentTaskUnderCgroup(0) !== 0n;
  }

  trace_enqueue(tgid: u32, pid: u32): i32 {
    if (pid === 0) return 0;
    if (this.targ_tgid !== 0 && u32(this.targ_tgid) !== tgid) return 0;
    const ts = bpf.ktimeGetNs();
    this.start.update(pid, ts);
    return 0;
  }

  handle_switch(preempt: u64, prev: Ptr<task_struct>, next: Ptr<task_struct>): i32 {
    if (this.filter_cg && !this.under_cgroup()) return 0;
    if (get_task_state(prev) === i64(TASK_RUNNING)) this.trace_enqueue(u32(prev.tgid), u32(prev.pid));
    const pid = u32(next.pid);
    const tsp = this.start.lookup(pid);
    if (tsp === null) return 0;
    let delta = i64(bpf.ktimeGetNs() - tsp.value);
    if (delta >= 0n) {
      let hkey: u32;
      if (this.targ_per_process) hkey = u32(next.tgid);
      else if (this.targ_per_thread) hkey = pid;
      else if (this.targ_per_pidns) hkey = pid_namespace(next);
      else hkey = u32(-1);
      const empty: Hist = zero();
      const histp = this.hists.lookupOrInit(hkey, empty);
      if (histp !== null) {
        if (!histp.comm[0]) bpf.probeReadKernelStr(histp.comm, next.comm);
        if (this.targ_ms) delta /= 1000000n;
        else delta /= 1000n;
        let slot = u64(bpf.log2l(u64(delta)));
        if (slot >= u64(MAX_SLOTS)) slot = u64(MAX_SLOTS - 1);
        atomics.add(histp.slots, u32(slot), 1);
      }
    }
    // cleanup:
    this.start.delete(pid);
    return 0;
  }

  @rawTracepoint("sched_wakeup")
  handle_sched_wakeup(ctx: RawTracepointArgs): i32 {
    if (this.filter_cg && !this.under_cgroup()) return 0;
    const p = bpf.core.cast<task_struct>(ctx.args[0]);
    return this.trace_enqueue(u32(p.tgid), u32(p.pid));
  }

  @rawTracepoint("sched_wakeup_new")
  handle_sched_wakeup_new(ctx: RawTracepointArgs): i32 {
    if (this.filter_cg && !this.under_cgroup()) return 0;
    const p = bpf.core.cast<task_struct>(ctx.args[0]);
    return this.trace_enqueue(u32(p.tgid), u32(p.pid));
  }

  @rawTracepoint("sched_switch")
  handle_sched_switch(ctx: RawTracepointArgs): i32 {
    return this.handle_switch(ctx.args[0], bpf.core.cast<task_struct>(ctx.args[1]), bpf.core.cast<task_struct>(ctx.args[2]));
  }
}
