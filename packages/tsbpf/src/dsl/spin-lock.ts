/**
 * `struct bpf_spin_lock` in map values: a member of this type makes the kernel give the value a
 * lock, taken with `bpf.spinLock(value.lock)` and released with `bpf.spinUnlock(value.lock)`.
 */
import type { u32 } from "./integers.js";

/**
 * `struct bpf_spin_lock`: one per map value (hash, array, local storage), at most one, in a map
 * with BTF (every tsbpf map). Between `bpf.spinLock(v.lock)` and `bpf.spinUnlock(v.lock)` the
 * program may not call other helpers, and must release the lock on every path. Tracepoints,
 * kprobes, perf events, raw tracepoints and socket filters may not use it (the verifier: "tracing
 * progs cannot use bpf_spin_lock yet"); networking, cgroup and BTF-typed tracing programs may.
 * User space reads the value with the lock as `{ val: 0 }`. Kernel 5.1.
 */
export interface SpinLock {
  val: u32;
}
