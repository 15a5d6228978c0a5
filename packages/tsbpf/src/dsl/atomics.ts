/**
 * `atomics`: atomic read-modify-write on integers other CPUs see (map values, globals), shaped
 * like JavaScript's `Atomics`: each operation returns the value the memory held before, and takes
 * either the place itself (`atomics.add(stats.count, 1n)`, `atomics.or(this.flags, 4)`) or an
 * array and an index (`atomics.add(histp.slots, slot, 1n)`, as `Atomics.add(array, index, v)`).
 *
 * The compiler emits BPF's atomic instructions (clang's `__sync_fetch_and_add` and friends): the
 * fetching form when the result is used, the plain one when it is not. Places are 32- or 64-bit
 * integers (`u32`, `i32`, `u64`, `i64`). `add` works on every kernel with BPF; the others, and
 * every fetching form, need kernel 5.12. Calling one in user space throws `KernelOnlyError`.
 */
import type { i32, i64, u32, u64 } from "./integers.js";
import { kernelOnly } from "./kernel-only.js";
import type { FixedArray } from "./memory.js";

/** The integer kinds atomic instructions take. */
export type AtomicInt = u32 | i32 | u64 | i64;

type Slots<T> = FixedArray<T, number>;

export interface AtomicOps {
  /** `place += value`; returns the old value (`__sync_fetch_and_add`). */
  add<T extends AtomicInt>(place: T, value: NoInfer<T>): T;
  add<T extends AtomicInt>(array: Slots<T>, index: number | bigint, value: NoInfer<T>): T;
  /** `place -= value` (an add of the negation); returns the old value. */
  sub<T extends AtomicInt>(place: T, value: NoInfer<T>): T;
  sub<T extends AtomicInt>(array: Slots<T>, index: number | bigint, value: NoInfer<T>): T;
  /** `place &= value`; returns the old value. Kernel 5.12. */
  and<T extends AtomicInt>(place: T, value: NoInfer<T>): T;
  and<T extends AtomicInt>(array: Slots<T>, index: number | bigint, value: NoInfer<T>): T;
  /** `place |= value`; returns the old value. Kernel 5.12. */
  or<T extends AtomicInt>(place: T, value: NoInfer<T>): T;
  or<T extends AtomicInt>(array: Slots<T>, index: number | bigint, value: NoInfer<T>): T;
  /** `place ^= value`; returns the old value. Kernel 5.12. */
  xor<T extends AtomicInt>(place: T, value: NoInfer<T>): T;
  xor<T extends AtomicInt>(array: Slots<T>, index: number | bigint, value: NoInfer<T>): T;
  /** `place = value`; returns the old value (`__sync_lock_test_and_set`, xchg). Kernel 5.12. */
  exchange<T extends AtomicInt>(place: T, value: NoInfer<T>): T;
  exchange<T extends AtomicInt>(array: Slots<T>, index: number | bigint, value: NoInfer<T>): T;
  /**
   * Stores `replacement` if the place holds `expected`; returns the old value either way (equal to
   * `expected` when the store happened: `__sync_val_compare_and_swap`). Kernel 5.12.
   */
  compareExchange<T extends AtomicInt>(place: T, expected: NoInfer<T>, replacement: NoInfer<T>): T;
  compareExchange<T extends AtomicInt>(array: Slots<T>, index: number | bigint, expected: NoInfer<T>, replacement: NoInfer<T>): T;
  /** Reads the place with one load (aligned loads of these kinds are atomic: READ_ONCE). */
  load<T extends AtomicInt>(place: T): T;
  load<T extends AtomicInt>(array: Slots<T>, index: number | bigint): T;
  /** Writes the place with one store (WRITE_ONCE); returns `value`, as `Atomics.store` does. */
  store<T extends AtomicInt>(place: T, value: NoInfer<T>): T;
  store<T extends AtomicInt>(array: Slots<T>, index: number | bigint, value: NoInfer<T>): T;
}

/** Atomic operations on map values and globals; see `AtomicOps`. */
export const atomics: AtomicOps = kernelOnly<AtomicOps>("atomics");
