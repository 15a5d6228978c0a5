// 004 (bcc's reference guide, C side), "Maps", BPF_PERF_ARRAY, and "Map methods", perf_read:
//   BPF_PERF_ARRAY(cpu_cycles, NUM_CPUS);                    // max entries: the number of CPUs
//   b["cpu_cycles"].open_perf_event(b["cpu_cycles"].HW_CPU_CYCLES)
//   u64 res = map.perf_read(/* u32 */cpu);                   // read a hardware counter
// `new PerfCounterArray()` has one slot per possible CPU (the guide's NUM_CPUS); user space opens
// the counters with `probe.cpu_cycles.open("cpu-cycles")` (bcc's `open_perf_event`, any
// perf_event_attr `{ type, config }` too) and closes them with `close()` or `using`. A machine
// without a PMU (a VM like this one) refuses hardware counters: there, open a software one
// ("cpu-clock", "task-clock", "context-switches"); the program is the same.
// The guide's snippet has no attach point: like the guide's other snippets here, a uprobe on libc's
// getpid, filtered to one process. `cpu` is the CPU the program runs on (the only slot the
// kernel lets it read), and beside `perf_read` the program calls bpf_perf_event_read_value, which
// also gives the times the counter was enabled and running (bcc exposes it only as the helper).
// Each call's results go in `readings`, a slot a call. `tsbpf run` opens no counters (the reads
// then say -ENOENT): load it from a script that opens them, as test/bcc-perf-read.test.ts does.
import { ArrayMap, PerfCounterArray, Probe, bpf, u32, u64, uprobe, type PerfEventValue, type PtRegs, type i32, type i64 } from "tsbpf";

export interface Reading {
  cpu: u32;
  /** What perf_read returned. */
  res: u64;
  /** bpf_perf_event_read_value's result (0 or a negative error) and what it filled in. */
  status: i64;
  value: PerfEventValue;
}

export class PerfRead extends Probe {
  /** BPF_PERF_ARRAY(cpu_cycles, NUM_CPUS) */
  cpu_cycles = new PerfCounterArray();
  readings = new ArrayMap<Reading>({ maxEntries: 64 });
  /** How many calls were recorded (the next slot of `readings`). */
  calls: u32 = 0;
  /** Only this process's getpid() calls (0: every process's); user space may change it at any time. */
  targetTgid: u32 = 0;

  @uprobe("c", "getpid")
  read(ctx: PtRegs): i32 {
    if (this.targetTgid !== 0 && u32(bpf.getCurrentPidTgid() >> 32n) !== this.targetTgid) return 0;
    const cpu = bpf.getSmpProcessorId();
    const res = this.cpu_cycles.perfRead(u64(cpu));
    const value: PerfEventValue = { counter: 0n, enabled: 0n, running: 0n };
    const status = this.cpu_cycles.perfReadValue(value, u64(cpu));
    const slot = this.readings.lookup(this.calls);
    if (slot === null) return 0;
    slot.cpu = cpu;
    slot.res = res;
    slot.status = status;
    slot.value = value;
    this.calls++;
    return 0;
  }
}
