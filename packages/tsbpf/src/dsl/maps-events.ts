/**
 * Event streams to user space: the ring buffer and the per-CPU perf event array.
 */
import type { i64, u32, u64 } from "./integers.js";
import type { ByteSource, Ptr } from "./memory.js";
import { KernelMap } from "./maps-base.js";

/**
 * Flags of the ring buffer's `output`, `submit` and `discard`: `NoWakeup` leaves the reader asleep
 * (batching: a later record or the reader's timeout delivers it), `ForceWakeup` wakes it even when
 * the kernel would not. Kernel 5.8.
 */
export const RingBufFlags = { NoWakeup: 1n, ForceWakeup: 2n } as const;

/**
 * What `RingBuf.query` asks (bpf_ringbuf_query's BPF_RB_*): the bytes not yet consumed
 * (`AvailData`), the data area's size (`RingSize`), and the consumer's and producer's positions,
 * which only grow (`ConsPos`, `ProdPos`). Kernel 5.8.
 */
export const RingBufQuery = { AvailData: 0n, RingSize: 1n, ConsPos: 2n, ProdPos: 3n } as const;

export interface RingBufOptions {
  /** Size of the data area in bytes: a power of two and a multiple of the page size. */
  size: number;
  /** Pin the map by name under /sys/fs/bpf. */
  pinned?: boolean;
}

/**
 * Adaptive wake-ups, as libbpf's users write them by hand: submit without waking the reader
 * (`NoWakeup`) while the ring holds fewer than `wakeupAbove` unread bytes, and force a wake-up once
 * it holds that many (`bpf_ringbuf_query(BPF_RB_AVAIL_DATA)`, read just before). The reader then
 * wakes once per that many bytes instead of once per record; give it a `pollIntervalMs` so that a
 * trickle below the threshold is delivered too. Kernel 5.8.
 */
export interface RingBufWakeup {
  wakeupAbove: u64;
}

/**
 * The kernel-side methods of a ring buffer of records of type `T`. A record that `output` or
 * `reserve` cannot place (the ring is full) is counted in the probe: user space reads the count as
 * the reader's `failedReservations`.
 */
export interface RingBufMethods<T> {
  /** `bpf_ringbuf_output`: copies `value` into the ring; 0 or a negative error. */
  output(value: T, flags?: u64 | RingBufWakeup): i64;
  /**
   * `bpf_ringbuf_output` of a variable-length slice: the first `size` bytes of `data` (an array,
   * struct or element the program holds: `b.buf` from its start, `b.buf[off]` from that byte on).
   * The compiler bounds it (docs/language.md, "Variable-length output"): at a constant start the
   * size is clamped to the array; at a variable start a slice that does not fit is not sent and
   * the result is -E2BIG. User space reads such records as bytes (`onEvent(cb, { raw: true })`).
   */
  output(data: ByteSource, size: u32 | u64, flags?: u64 | RingBufWakeup): i64;
  /**
   * `bpf_ringbuf_reserve`: a pointer to room for one record in the ring, or null when it is full.
   * Fill it in place, then `submit` it (or `discard` it) on every path: the verifier insists.
   */
  reserve(): Ptr<T> | null;
  /** `bpf_ringbuf_submit`: hands a reserved record to user space. */
  submit(record: Ptr<T>, flags?: u64 | RingBufWakeup): void;
  /** `bpf_ringbuf_discard`: gives a reserved record back unread. */
  discard(record: Ptr<T>, flags?: u64): void;
  /**
   * `bpf_ringbuf_query`: one of `RingBufQuery`'s figures, read without locking (a snapshot that a
   * concurrent producer or consumer may change right after). Each record takes an 8-byte header
   * plus its size rounded up to 8 bytes. Kernel 5.8.
   */
  query(what: u64): u64;
}

/** `BPF_MAP_TYPE_RINGBUF`: a multi-producer ring of records of type `T` read by user space. Kernel 5.8. */
export interface RingBuf<T> extends RingBufMethods<T> {}
export class RingBuf<T> extends KernelMap<RingBufOptions> {
  declare private readonly brand: "RingBuf";
}

/**
 * The kernel-side method of a user ring buffer of records of type `T`, which user space writes
 * (`probe.<field>.write(record)`) and programs drain.
 */
export interface UserRingBufMethods<T> {
  /**
   * `bpf_user_ringbuf_drain`: calls `callback` once per record user space has committed, in order,
   * each record a copy of type `T` (read with `bpf_dynptr_read`; a record of another size, which
   * only a raw write makes, is skipped). The callback is an arrow function written in the call; it
   * may read and assign the enclosing function's locals as `forEach`'s callback does, and returns
   * 0 (or nothing) to go on, 1 to stop (the rest stays in the ring for the next drain). `flags`:
   * `RingBufFlags.NoWakeup` / `ForceWakeup` (whether user space waiting for room is woken).
   * Returns how many records the callback was called for or skipped (the one that stopped the drain
   * included; records user space discarded not counted; an empty ring gives 0). A record user space
   * has reserved but not yet committed ends the drain there: it and those after it wait for the next
   * drain. A negative error: -EBUSY when another drain of the ring is running, -EINVAL or -E2BIG for
   * a corrupt header. At most 131072 records a call. Any program type. Kernel 6.1.
   */
  drain(callback: (record: T) => 0 | 1 | void, flags?: u64): i64;
}

/**
 * `BPF_MAP_TYPE_USER_RINGBUF`: a ring of records of type `T` that user space writes and programs
 * drain, the reverse of `RingBuf`: a single producer (the user-space handle, which maps the ring's
 * pages and writes records in place, no system call per record) and any number of draining
 * programs. `size` as `RingBuf`'s. Kernel 6.1.
 */
export interface UserRingBuf<T> extends UserRingBufMethods<T> {}
export class UserRingBuf<T> extends KernelMap<RingBufOptions> {
  declare private readonly brand: "UserRingBuf";
}

/** `BPF_F_CURRENT_CPU`: `perfOutput`'s default, the ring of the CPU the program runs on. */
export const BPF_F_CURRENT_CPU = 0xffffffffn;

export interface PerfEventArrayOptions {
  /** One slot per CPU; 0 or absent: the number of possible CPUs, filled in at load. */
  maxEntries?: number;
  pinned?: boolean;
}

/**
 * bcc's `perf_submit_skb`: `perfOutput(ctx, value, { packetBytes: n })` has the kernel append the
 * first `n` bytes of the packet after the record (`n` in BPF_F_CTXLEN_MASK, the CPU the current
 * one). Programs on packets only: tc (kernel 4.8), XDP (4.9), and other packet programs where the
 * kernel offers them bpf_perf_event_output.
 * More bytes than the packet holds fail with -EFAULT, more than 2^20 - 1 with -EINVAL. User space
 * gets the bytes after the record with `onEvent((record, appended) => ..., { appended: true })`
 * or `samples({ appended: true })`.
 */
export interface PerfOutputPacket {
  packetBytes: u32 | u64;
}

/** The kernel-side methods of a perf event array carrying records of type `T`. */
export interface PerfEventArrayMethods<T> {
  /**
   * `bpf_perf_event_output`: copies `value` into this CPU's perf ring (or the CPU in `flags`),
   * `ctx` being the program's context argument; 0 or a negative error (-ENOENT when user space
   * has no ring open on that CPU). Failures are counted in the probe: user space reads the count
   * as the reader's `failedOutputs`. `{ packetBytes: n }` instead of flags appends packet bytes
   * (see PerfOutputPacket).
   */
  perfOutput(ctx: object, value: T, flags?: u64 | PerfOutputPacket): i64;
  /**
   * `bpf_perf_event_output` of a variable-length slice (bcc's `perf_submit(ctx, data, size)`): the
   * first `size` bytes of `data`, an array, struct or element the program holds (`b.buf` from its
   * start, `b.buf[off]` from that byte on), bounded by the compiler as `RingBuf.output`'s slice
   * is. User space reads such records as bytes (`onEvent(cb, { raw: true })`).
   */
  perfOutput(ctx: object, data: ByteSource, size: u32 | u64, flags?: u64 | PerfOutputPacket): i64;
}

/**
 * `BPF_MAP_TYPE_PERF_EVENT_ARRAY`: per-CPU perf rings of records of type `T`, the transport of
 * events before ring buffers (and the one older kernels have). Kernel 4.4.
 */
export interface PerfEventArray<T> extends PerfEventArrayMethods<T> {}
export class PerfEventArray<T> extends KernelMap<PerfEventArrayOptions> {
  declare private readonly brand: "PerfEventArray";
}
