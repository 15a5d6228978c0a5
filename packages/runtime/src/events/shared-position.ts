/**
 * A u64 position shared with the kernel (a BPF ring buffer's consumer/producer position, a perf
 * ring's data_head/data_tail) read and written as a plain number without allocating a BigInt.
 *
 * Why: a busy-polling consumer reads both positions millions of times a second. Through a
 * BigUint64Array every read allocates a BigInt, and the garbage wakes V8's parallel scavenger
 * threads many times a second, which on a small machine take CPU from the producer (measured with
 * `perf record -e sched:sched_switch`: dozens of GC helper wake-ups during a 0.4 s busy run).
 * Reading the two 32-bit halves costs three plain loads and allocates nothing.
 *
 * Reads: high, low, high again, retried if the high half moved. The kernel stores the position
 * with one 64-bit store and only ever increases it, so equal high halves around the low one mean
 * the three loads saw one value. Writes (the consumer's, made only by this process as libbpf's
 * single consumer does): when the high half does not change, a 32-bit store of the low half is
 * one atomic change of the 64-bit value; otherwise one 64-bit store. Numbers are exact up to 2^53
 * bytes, far past what a ring moves in a process's life.
 */
import { littleEndian } from "../sys/attr.js";

const TWO32 = 0x1_0000_0000;

export class SharedPosition {
  readonly #words: Uint32Array;
  readonly #lo: number;
  readonly #hi: number;
  readonly #wide: BigUint64Array;

  /** The u64 at `byteOffset` (8-byte aligned) of `buffer`. */
  constructor(buffer: ArrayBuffer, byteOffset: number) {
    this.#words = new Uint32Array(buffer, byteOffset, 2);
    this.#wide = new BigUint64Array(buffer, byteOffset, 1);
    this.#lo = littleEndian ? 0 : 1;
    this.#hi = littleEndian ? 1 : 0;
  }

  load(): number {
    const w = this.#words;
    for (;;) {
      const hi = Atomics.load(w, this.#hi);
      const lo = Atomics.load(w, this.#lo);
      if (Atomics.load(w, this.#hi) === hi) return hi * TWO32 + lo;
    }
  }

  /** Publishes `value`, which is at least the current value (positions only grow). */
  store(value: number): void {
    const hi = Math.floor(value / TWO32);
    if (Atomics.load(this.#words, this.#hi) === hi) Atomics.store(this.#words, this.#lo, value >>> 0);
    else Atomics.store(this.#wide, 0, BigInt(value));
  }
}
