/**
 * `RingBufReader<T>`: the consumer side of a BPF_MAP_TYPE_RINGBUF (kernel 5.8), as libbpf's
 * ringbuf.c consumes it, decoding each record with the ring's record type.
 *
 * Layout (kernel/bpf/ringbuf.c): page 0 holds the consumer position (mapped read-write); page 1
 * the producer position, then the data area, mapped twice in a row (read-only) so that a record
 * that wraps around the end is still contiguous. Each record starts with an 8-byte header: u32
 * length with BUSY (bit 31, still being written) and DISCARD (bit 30) flags, and u32 page offset.
 * Records are 8-byte aligned. The consumer position is published with a store after each record
 * so the kernel can reuse the space; Atomics give the acquire/release ordering the protocol needs.
 */
import type { MapSpec } from "@tsbpf/object";
import type { Codec } from "../btf-values/index.js";
import type { Watch } from "../sys/door.js";
import type { Fd } from "../sys/fd.js";
import { mapShared, pageSize, PROT_READ, PROT_WRITE, unmap, watchReadable } from "../sys/memory.js";
import { BpfMap } from "./map.js";
import { eventLoopTurns } from "../events/event-loop-turns.js";

const BUSY = 0x80000000;
const DISCARD = 0x40000000;
const HEADER = 8;

export interface RingBufReadOptions {
  /** Ends the iteration (quietly: the loop just finishes) when aborted. */
  signal?: AbortSignal;
}

interface Mapping {
  consumer: ArrayBuffer;
  producer: ArrayBuffer;
  /** Consumer position (u64 at page 0). */
  consumerPos: BigUint64Array;
  /** Producer position (u64 at the start of the producer mapping). */
  producerPos: BigUint64Array;
  /** The data area, twice. */
  data: ArrayBuffer;
  dataOffset: number;
  /** u32 view over the data area for header loads. */
  headers: Uint32Array;
  mask: number;
}

export class RingBufReader<T = unknown> extends BpfMap implements AsyncIterable<T> {
  readonly #codec: Codec | undefined;
  #mapping: Mapping | undefined;
  #closed = false;
  /** The watch while someone waits for data (level-triggered: kept only while waiting). */
  #watch: Watch | undefined;
  #waiters: (() => void)[] = [];
  #listeners = new Set<{ watch: Watch; stop: () => void }>();

  /** `codec` decodes records (the ring's record type); without one, records are raw Uint8Arrays. */
  constructor(fd: Fd, spec: Pick<MapSpec, "name" | "type" | "keySize" | "valueSize" | "maxEntries" | "flags">, codec?: Codec) {
    super(fd, spec);
    this.#codec = codec;
  }

  #failed: (() => bigint) | undefined;

  /** @internal Where the object counts failed reservations of this ring (see failedReservations). */
  bindReserveFailureCounter(read: () => bigint): void {
    this.#failed = read;
  }

  /**
   * How many records the probe could not reserve because the ring was full, when the object
   * counts them: a u64 global `__reserve_failed_<ring name>` that the probe increments when
   * bpf_ringbuf_reserve/output fails (tsbpf's RingBuf methods do). Undefined without one.
   */
  get failedReservations(): bigint | undefined {
    return this.#failed?.();
  }

  /** The descriptor to wait on for records (the ring's own). */
  get pollFd(): number {
    return this.fd.raw;
  }

  /** The ring's data size in bytes (its max_entries). */
  get size(): number {
    return this.maxEntries;
  }

  #map(): Mapping {
    if (this.#mapping) return this.#mapping;
    if (this.#closed) throw new Error(`ring buffer ${this.name} is closed`);
    const page = pageSize();
    const consumer = mapShared(this.fd, page, PROT_READ | PROT_WRITE, 0);
    let producer: ArrayBuffer;
    try {
      producer = mapShared(this.fd, page + 2 * this.maxEntries, PROT_READ, page);
    } catch (error) {
      unmap(consumer);
      throw error;
    }
    this.#mapping = {
      consumer,
      producer,
      consumerPos: new BigUint64Array(consumer, 0, 1),
      producerPos: new BigUint64Array(producer, 0, 1),
      data: producer,
      dataOffset: page,
      headers: new Uint32Array(producer, page, (2 * this.maxEntries) / 4),
      mask: this.maxEntries - 1,
    };
    return this.#mapping;
  }

  #decode(m: Mapping, at: number, length: number): T {
    const start = m.dataOffset + at + HEADER;
    const codec = this.#codec;
    if (!codec) return new Uint8Array(m.data.slice(start, start + length)) as T;
    if (length >= codec.size) return codec.read(new DataView(m.data, start, length), 0) as T;
    // A shorter record than the type (bpf_ringbuf_output of a prefix): decode it zero-extended.
    const padded = new Uint8Array(codec.size);
    padded.set(new Uint8Array(m.data, start, length));
    return codec.read(new DataView(padded.buffer), 0) as T;
  }

  /**
   * Consumes every record available now, calling `onRecord` for each (synchronously, before the
   * space is handed back to the kernel); returns how many. Never waits.
   */
  consume(onRecord: (record: T) => void, limit = Infinity): number {
    if (this.#closed) return 0;
    const m = this.#map();
    let consumer = Number(Atomics.load(m.consumerPos, 0));
    let count = 0;
    while (count < limit) {
      const producer = Number(Atomics.load(m.producerPos, 0));
      if (consumer >= producer) break;
      const at = consumer & m.mask;
      const header = Atomics.load(m.headers, at / 4);
      if (header & BUSY) break; // reserved but not yet submitted: wait for it
      const length = (header & ~(BUSY | DISCARD)) >>> 0;
      const next = consumer + Math.ceil((length + HEADER) / 8) * 8;
      let record: T | undefined;
      const keep = !(header & DISCARD);
      if (keep) record = this.#decode(m, at, length);
      consumer = next;
      Atomics.store(m.consumerPos, 0, BigInt(consumer));
      if (keep) {
        count++;
        onRecord(record as T);
      }
    }
    return count;
  }

  /** Whether a record (submitted or discarded) is waiting to be consumed. */
  get pending(): boolean {
    if (this.#closed) return false;
    const m = this.#map();
    return Atomics.load(m.consumerPos, 0) < Atomics.load(m.producerPos, 0);
  }

  #waitReadable(signal?: AbortSignal): Promise<void> {
    return new Promise<void>((resolve) => {
      if (this.#closed || signal?.aborted) return resolve();
      const onAbort = () => done();
      const done = () => {
        signal?.removeEventListener("abort", onAbort);
        const i = this.#waiters.indexOf(done);
        if (i >= 0) this.#waiters.splice(i, 1);
        if (this.#waiters.length === 0) this.#stopWatch();
        resolve();
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      this.#waiters.push(done);
      this.#watch ??= watchReadable(this.fd.raw, `ring buffer ${this.name}`, () => {
        for (const wake of [...this.#waiters]) wake();
      });
    });
  }

  #stopWatch(): void {
    this.#watch?.close();
    this.#watch = undefined;
  }

  /**
   * The records as an async iterable, decoded with the ring's record type. Waits on the ring's
   * descriptor (epoll through the event loop, never a thread); ends when `signal` aborts or the
   * reader is closed. Kernel 5.8.
   */
  async *events(options: RingBufReadOptions = {}): AsyncIterableIterator<T> {
    const { signal } = options;
    // One record at a time: a consumer that stops early leaves the rest in the ring.
    let record: T | undefined;
    const take = (r: T) => {
      record = r;
    };
    const turn = eventLoopTurns();
    while (!this.#closed && !signal?.aborted) {
      if (this.consume(take, 1) === 0) {
        await this.#waitReadable(signal);
        continue;
      }
      yield record as T;
      record = undefined;
      await turn();
    }
  }

  [Symbol.asyncIterator](): AsyncIterator<T> {
    return this.events();
  }

  /**
   * Calls `callback` for every record as it arrives, until the returned function is called,
   * `signal` aborts or the reader closes. The watch keeps the process alive meanwhile.
   */
  onEvent(callback: (record: T) => void, options: RingBufReadOptions = {}): () => void {
    this.#map();
    const entry = {
      watch: watchReadable(this.fd.raw, `ring buffer ${this.name}`, () => this.consume(callback)),
      stop: () => {
        entry.watch.close();
        this.#listeners.delete(entry);
        options.signal?.removeEventListener("abort", entry.stop);
      },
    };
    this.#listeners.add(entry);
    options.signal?.addEventListener("abort", entry.stop, { once: true });
    if (options.signal?.aborted) entry.stop();
    // Deliver what is already waiting without waiting for the first wake-up.
    else queueMicrotask(() => this.#listeners.has(entry) && this.consume(callback));
    return entry.stop;
  }

  /** Stops every iteration and listener, unmaps the ring and closes its descriptor. Idempotent. */
  override close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const wake of [...this.#waiters]) wake();
    this.#stopWatch();
    for (const l of [...this.#listeners]) l.stop();
    if (this.#mapping) {
      unmap(this.#mapping.producer);
      unmap(this.#mapping.consumer);
      this.#mapping = undefined;
    }
    super.close();
  }
}
