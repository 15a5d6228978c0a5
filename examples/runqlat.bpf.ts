// runqlat: how long tasks wait in the run queue, as a log2 histogram of microseconds. A task is
// stamped when it is woken (sched_wakeup, sched_wakeup_new) or preempted while runnable
// (sched_switch with prev still running), and measured when it is switched in. The tracepoints
// are tp_btf: their arguments are typed kernel pointers, read through CO-RE.
//
//   npx tsbpf run examples/runqlat.bpf.ts --duration 5
import { ArrayMap, HashMap, Probe, atomics, bpf, tp_btf, u32, type bool, type i32, type Ptr, type u64 } from "tsbpf";
import type { task_struct } from "tsbpf/vmlinux";

const TASK_RUNNING = 0;

export class RunQueueLatency extends Probe {
  /** Task id → when it became runnable (ns). */
  start = new HashMap<u32, u64>({ maxEntries: 10240, internal: true }); // state: `tsbpf run` prints it with --all-maps
  /** log2 histogram of run queue latency: slot k counts waits of 2^k to 2^(k+1)-1 µs (slot 0: 0-1 µs). */
  hist = new ArrayMap<u64>({ maxEntries: 27 });

  @tp_btf("sched_wakeup")
  onWakeup(p: Ptr<task_struct>): i32 {
    return this.enqueue(u32(p.pid));
  }

  @tp_btf("sched_wakeup_new")
  onWakeupNew(p: Ptr<task_struct>): i32 {
    return this.enqueue(u32(p.pid));
  }

  @tp_btf("sched_switch")
  onSwitch(preempt: bool, prev: Ptr<task_struct>, next: Ptr<task_struct>): i32 {
    if (prev.__state === TASK_RUNNING) this.enqueue(u32(prev.pid));
    const pid = u32(next.pid);
    const since = this.start.lookup(pid);
    if (!since) return 0;
    let micros: u64 = (bpf.ktimeGetNs() - since.value) / 1000n;
    let slot: u32 = 0;
    for (let i = 0; i < 26; i++) {
      if (micros <= 1n) break;
      micros = micros >> 1n;
      slot++;
    }
    // Every CPU switches tasks: the slot is shared, so the count goes up atomically.
    const count = this.hist.lookup(slot);
    if (count) atomics.add(count.value, 1n);
    // Deleted last, as ref-c does: `micros` need not live across the call.
    this.start.delete(pid);
    return 0;
  }

  enqueue(pid: u32): i32 {
    if (pid === 0) return 0;
    this.start.update(pid, bpf.ktimeGetNs());
    return 0;
  }
}
