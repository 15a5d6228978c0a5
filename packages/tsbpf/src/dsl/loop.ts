/**
 * `bpf.loop`: the `bpf_loop` helper (kernel 5.17), declared apart from the generated helper list
 * because its callback is a function, which the compiler turns into a static subprogram whose
 * address it passes (an `ld_imm64` of the function): a method, a function of the file, or an
 * arrow function written in the call (a closure over the enclosing function's locals).
 */
import type { i32, i64, u32, u64 } from "./integers.js";

declare module "./helpers.js" {
  interface BpfHelpers {
    /**
     * `bpf_loop`: calls `callback(index, state)` for index 0, 1, …, count − 1, until it returns 1
     * (0 continues). The verifier checks the callback once, not once per iteration, so `count`
     * may be large (up to 2^23) and need not be a constant. `callback` is an undecorated method
     * of the probe (`this.step`) or a function of the probe's file; `state` is a struct local it
     * receives by reference, to read and update. Returns the number of iterations run.
     * Kernel 5.17.
     * Minimum kernel: Linux 5.17.
     * @bpfHelper 181
     */
    loop<S extends object>(count: u32, callback: (index: u32, state: S) => i32 | i64, state: S, flags?: u64): i64;
    loop(count: u32, callback: (index: u32) => i32 | i64): i64;
    /**
     * `bpf_loop` with an arrow function written in the call: `bpf.loop(n, (i) => { total += i; })`.
     * The arrow reads and assigns the enclosing function's locals as a closure does (the compiler
     * passes them as the helper's context); returning 1 stops, 0 or nothing goes on. Kernel 5.17.
     * Minimum kernel: Linux 5.17.
     * @bpfHelper 181
     */
    loop(count: u32, callback: (index: u32) => 0 | 1 | void): i64;
  }
}

export {};
