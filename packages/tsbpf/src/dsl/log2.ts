/**
 * `bpf.log2(v)` and `bpf.log2l(v)`: the integer base-2 logarithm for log2 histograms, as
 * libbpf-tools' bits.bpf.h defines `log2`/`log2l` (runqlat, biolatency): floor(log2(v)), and 0
 * for 0 and 1. bcc's `bpf_log2l(v)` is one more for v > 0 (its slot 0 holds only zeros):
 * `bpf.log2l(v) + 1` there. Compiled inline (five or six compare-and-shift steps, no loop, no
 * helper call).
 */
import type { u32, u64 } from "./integers.js";

declare module "./helpers.js" {
  interface BpfHelpers {
    /** floor(log2(v)) of a 32-bit value; 0 for 0. */
    log2(v: u32): u32;
    /** floor(log2(v)) of a 64-bit value; 0 for 0. */
    log2l(v: u64): u32;
  }
}

export {};
