/**
 * `struct bpf_timer` in map values and its callback: `bpf.timerSetCallback(v.timer, (map, key,
 * value) => ...)` takes an arrow function written in the call, which the compiler turns into a
 * static subprogram the kernel calls when the timer fires. `bpf.timerInit` and `bpf.timerStart`
 * are the generated helpers (a map field passes as the map, a `Timer` member by address).
 */
import type { i64, u64 } from "./integers.js";
import type { FixedArray } from "./memory.js";

/**
 * `struct bpf_timer` (opaque): one per map value (hash, LRU hash, array), in a map with BTF.
 * `bpf.timerInit(v.timer, this.map, CLOCK_MONOTONIC)` binds it to the map, `bpf.timerSetCallback`
 * names the function to run, `bpf.timerStart(v.timer, nsecs, 0n)` arms it; deleting the element
 * or unloading the map cancels it. Kernel 5.15; tracepoints, kprobes, raw tracepoints and perf
 * events may not use one ("tracing progs cannot use bpf_timer yet"); networking, cgroup, syscall
 * and BTF-typed tracing programs may.
 */
export interface Timer {
  opaque: FixedArray<u64, 2>;
}

/** Clocks of `bpf.timerInit` (`flags`). */
export const CLOCK_REALTIME = 0n;
export const CLOCK_MONOTONIC = 1n;
export const CLOCK_BOOTTIME = 7n;

declare module "./helpers.js" {
  interface BpfHelpers {
    /**
     * `bpf_timer_set_callback`: the function the kernel calls, in softirq context, when the timer
     * fires: `(map, key, value) => 0`, where `key` and `value` point to the element holding the
     * timer (declare their types: `(map, key: Ptr<u32>, value: Ptr<Slot>) => ...`). The callback
     * runs after the program has returned: it may use the probe's maps and fields, not the
     * enclosing function's locals. 0, or -EINVAL for a timer not initialised. Kernel 5.15.
     * Minimum kernel: Linux 5.15.
     * @bpfHelper 170
     */
    timerSetCallback(timer: Timer, callback: (map: unknown, key: never, value: never) => 0 | void): i64;
  }
}
