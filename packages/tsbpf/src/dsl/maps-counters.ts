/**
 * Hardware and software counters read from programs: bcc's `BPF_PERF_ARRAY` + `perf_read`, a
 * `BPF_MAP_TYPE_PERF_EVENT_ARRAY` whose slots hold perf events that user space opens (one per
 * CPU), read with bpf_perf_event_read / bpf_perf_event_read_value.
 */
import type { i64, u64 } from "./integers.js";
import { KernelMap } from "./maps-base.js";

/** `struct bpf_perf_event_value`, which `perfReadValue` fills. */
export interface PerfEventValue {
  /** The counter's value. */
  counter: u64;
  /** Nanoseconds the event has been enabled. */
  enabled: u64;
  /** Nanoseconds it has been counting (less than `enabled` when the PMU multiplexes events). */
  running: u64;
}

export interface PerfCounterArrayOptions {
  /** One slot per CPU; 0 or absent: the number of possible CPUs, filled in at load. */
  maxEntries?: number;
  pinned?: boolean;
}

/** The kernel-side methods of a perf event array of counters. */
export interface PerfCounterArrayMethods {
  /**
   * `bpf_perf_event_read` (bcc's `perf_read(cpu)`): the counter in the slot `flags` names
   * (BPF_F_CURRENT_CPU, the default: this CPU's), or a negative error as a u64 (-ENOENT for an
   * empty slot, -EINVAL for an event of another CPU or task, -E2BIG for an index out of range):
   * prefer `perfReadValue`, whose result tells errors apart. Tracing programs (kprobe, tracepoint,
   * raw tracepoint, perf_event). Kernel 4.3.
   */
  perfRead(flags?: u64): u64;
  /**
   * `bpf_perf_event_read_value`: fills `value` with the counter and the times it was enabled and
   * running (for scaling a multiplexed hardware counter: counter * enabled / running); 0 or a
   * negative error (and `value` zeroed). Tracing programs. Kernel 4.15.
   */
  perfReadValue(value: PerfEventValue, flags?: u64): i64;
}

/**
 * `BPF_MAP_TYPE_PERF_EVENT_ARRAY` of counters (bcc's `BPF_PERF_ARRAY`): user space opens a perf
 * event per CPU into it (`probe.<field>.open({ type, config })`, bcc's `open_perf_event`) and
 * programs read this CPU's with `perfRead()`. Unlike `PerfEventArray`, nothing is put in it at
 * load. Kernel 4.3.
 */
export interface PerfCounterArray extends PerfCounterArrayMethods {}
export class PerfCounterArray extends KernelMap<PerfCounterArrayOptions> {
  declare private readonly brand: "PerfCounterArray";
}
