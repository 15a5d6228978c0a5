/**
 * `RingBufReader<T>`: the consumer side of a BPF_MAP_TYPE_RINGBUF (kernel 5.8), as libbpf's
 * ringbuf.c consumes it, decoding each record with the ring's record type.
 *
 * Layout (kernel/bpf/ringbuf.c): page 0 holds the consumer position (mapped read-write); page 1
 * the producer position, then the data area, mapped twice in a row (read-only) so that a record
 * that wraps around the end is still contiguous. Each record starts with an 8-byte header: u32
 * length with BUSY (bit 31, still being written) and DISCARD (bit 30) flags, and u32 page offset.
 * Records are 8-byte aligned. Atomics give the acquire/release ordering the protocol needs.
 *
 * Speed (bench/events.bench.mjs): the whole drain runs in JavaScript over the shared mapping, so a
 * wake-up costs one crossing from the event loop and then none per record; the producer position
 * is read once per batch and the consumer position published every 64 records (and at the end),
 * not after each one; positions are read and written as 32-bit halves, so that a busy poll of an
 * empty ring allocates nothing (events/shared-position.ts); records are decoded by a function
 * generated once per record type (events/decoder.ts), or handed out raw as zero-copy views valid
 * during the callback.
 */
import { startListener } from "../events/listener.js";
import type { MapSpec } from "@tsbpf/object";
import type { Codec } from "../btf-values/index.js";
import type { RecordDecoder } from "../events/decoder.js";
import { Readiness } from "../events/readiness.js";
import { SharedPosition } from "../events/shared-position.js";
import { NONE, RecordIterator } from "../events/record-iterator.js";
import type { Fd } from "../sys/fd.js";
import { mapShared, pageSize, PROT_READ, PROT_WRITE, unmap, watchReadable } from "../sys/memory.js";
import { BpfMap } from "./map.js";

const DISCARD = 0x40000000;
const LENGTH = 0x3fffffff;
const HEADER = 8;
/** Publish the consumer position at least this often while draining (frees room for the producer). */
const PUBLISH_EVERY = 64;
/** Records the iterator takes from the ring at a time. */
const BATCH = 64;

export interface RingBufReadOptions {
  /** Ends the iteration (quietly: the loop just finishes) when aborted. */
  signal?: AbortSignal;
  /**
   * Also look at the ring every this many milliseconds: records submitted with `NoWakeup` (or below
   * a `{ wakeupAbove }` threshold) are delivered even when no wake-up follows.
   */
  pollIntervalMs?: number;
}

export interface RingBufListenOptions extends RingBufReadOptions {
  /** Hand out each record as a zero-copy Uint8Array over the ring, valid only during the callback. */
  raw?: boolean;
}

interface Mapping {
  consumer: ArrayBuffer;
  producer: ArrayBuffer;
  /** Consumer position (u64 at page 0). */
  consumerPos: SharedPosition;
  /** Producer position (u64 at the start of the producer mapping). */
  producerPos: SharedPosition;
  /** A view over the producer mapping: records start at dataOffset + their ring offset. */
  view: DataView;
  dataOffset: number;
  /** i32 view over the data area for header loads. */
  headers: Int32Array;
  mask: number;
}

/**
 * The consumer of a BPF_MAP_TYPE_RINGBUF (kernel 5.8): `for await` over the records, each decoded
 * with the ring's record type.
 */
export class RingBufReader<T = unknown> extends BpfMap implements AsyncIterable<T> {
  readonly #codec: Codec | undefined;
  readonly #decoder: RecordDecoder | undefined;
  #mapping: Mapping | undefined;
  #closed = false;
  readonly #readiness: Readiness;
  #listeners = new Set<() => void>();
  /** Records an iterator took from the ring and has not handed out yet (at most BATCH). */
  #backlog: T[] = [];
  #backlogAt = 0;

  /**
   * `codec` decodes records (the ring's record type) and `decoder` is the same decoding generated
   * for speed; without a codec, records are raw Uint8Arrays (copies).
   */
  constructor(fd: Fd, spec: Pick<MapSpec, "name" | "type" | "keySize" | "valueSize" | "maxEntries" | "flags">, codec?: Codec, decoder?: RecordDecoder) {
    super(fd, spec);
    this.#codec = codec;
    this.#decoder = decoder ?? (codec ? (view, offset) => codec.read(view, offset) : undefined);
    this.#readiness = new Readiness(() => this.fd.raw, `ring buffer ${spec.name}`);
  }

  #failed: (() => bigint) | undefined;

  /** @internal Where the object counts failed reservations of this ring (see failedReservations). */
  bindReserveFailureCounter(read: () => bigint): void {
    this.#failed = read;
  }

  /**
   * How many records the probe could not place because the ring was full: `output` and `reserve`
   * calls that failed, counted in the kernel (a u64 global `__reserve_failed_<ring>`, which tsbpf
   * gives every ring buffer of a probe). With the records delivered, it accounts for every attempt.
   * Undefined only for a foreign object that keeps no such counter.
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
      consumerPos: new SharedPosition(consumer, 0),
      producerPos: new SharedPosition(producer, 0),
      view: new DataView(producer),
      dataOffset: page,
      headers: new Int32Array(producer, page, (2 * this.maxEntries) / 4),
      mask: this.maxEntries - 1,
    };
    return this.#mapping;
  }

  /** A record shorter than the type (bpf_ringbuf_output of a prefix), decoded zero-extended. */
  #decodeShort(m: Mapping, start: number, length: number): T {
    const padded = new Uint8Array(this.#codec!.size);
    padded.set(new Uint8Array(m.view.buffer, start, length));
    return this.#decoder!(new DataView(padded.buffer), 0) as T;
  }

  /**
   * The drain loop: calls `onRecord` with each record available now (decoded, or a zero-copy view
   * when `raw`), up to `limit`. The space of a record goes back to the kernel only after its
   * callback returned. Records are delivered even when a callback throws: the throwing record
   * counts as consumed and the error propagates.
   */
  #drain(onRecord: (record: never) => void, limit: number, raw: boolean): number {
    if (this.#closed) return 0;
    const m = this.#map();
    const { view, headers, mask, dataOffset } = m;
    const buffer = view.buffer;
    const decoder = this.#decoder;
    const size = this.#codec?.size ?? 0;
    let consumer = m.consumerPos.load();
    let published = consumer;
    let count = 0;
    // At most one ring's worth per call: a producer as fast as the consumer cannot keep a drain
    // (and the event loop) going forever; a level-triggered watch calls again at once.
    const end = consumer + m.mask + 1;
    try {
      outer: while (count < limit && consumer < end) {
        const producer = Math.min(m.producerPos.load(), end);
        if (consumer >= producer) break;
        while (consumer < producer && count < limit) {
          const at = consumer & mask;
          const header = Atomics.load(headers, at >>> 2);
          if (header < 0) break outer; // BUSY: reserved, not yet submitted
          const length = header & LENGTH;
          consumer += (length + HEADER + 7) & ~7;
          if (header & DISCARD) continue;
          count++;
          const start = dataOffset + at + HEADER;
          if (raw) (onRecord as (r: Uint8Array) => void)(new Uint8Array(buffer, start, length));
          else if (!decoder) (onRecord as (r: Uint8Array) => void)(new Uint8Array(buffer.slice(start, start + length)));
          else (onRecord as (r: T) => void)(length >= size ? (decoder(view, start) as T) : this.#decodeShort(m, start, length));
          if (count % PUBLISH_EVERY === 0) {
            m.consumerPos.store(consumer);
            published = consumer;
          }
        }
      }
    } finally {
      if (consumer !== published && !this.#closed) m.consumerPos.store(consumer);
    }
    return count;
  }

  /**
   * Consumes every record available now (up to `limit`), calling `onRecord` for each, decoded with
   * the ring's record type; returns how many. Never waits. Records an iterator took but has not
   * handed out come first.
   */
  consume(onRecord: (record: T) => void, limit = Infinity): number {
    let count = 0;
    while (count < limit && this.#backlogAt < this.#backlog.length) {
      const record = this.#backlog[this.#backlogAt++]!;
      count++;
      onRecord(record);
    }
    if (this.#backlogAt >= this.#backlog.length && this.#backlog.length) this.#clearBacklog();
    return count + (count < limit ? this.#drain(onRecord as (r: never) => void, limit - count, false) : 0);
  }

  /**
   * Consumes every record available now (up to `limit`) as a zero-copy `Uint8Array` over the ring,
   * valid only until the callback returns (the kernel reuses the space afterwards): copy what you
   * keep. For consumers that decode records themselves. Never waits.
   */
  consumeRaw(onRecord: (bytes: Uint8Array) => void, limit = Infinity): number {
    return this.#drain(onRecord as (r: never) => void, limit, true);
  }

  #clearBacklog(): void {
    this.#backlog = [];
    this.#backlogAt = 0;
  }

  /** Whether a record (submitted or discarded) is waiting to be consumed. */
  get pending(): boolean {
    if (this.#closed) return false;
    if (this.#backlogAt < this.#backlog.length) return true;
    const m = this.#map();
    return m.consumerPos.load() < m.producerPos.load();
  }

  /**
   * The records as an async iterable, decoded with the ring's record type. Waits on the ring's
   * descriptor (epoll through the event loop, never a thread); ends on `break`, `return()`, when
   * `signal` aborts or the reader is closed, whether or not records are still arriving. Records are
   * taken from the ring a batch at a time: those not handed out when the loop ends stay with the
   * reader for the next `consume` or iteration. Kernel 5.8.
   */
  events(options: RingBufReadOptions = {}): AsyncIterableIterator<T> {
    this.#map();
    if (options.pollIntervalMs !== undefined) this.#readiness.pollIntervalMs = options.pollIntervalMs;
    return new RecordIterator<T>(
      {
        pull: () => {
          if (this.#backlogAt >= this.#backlog.length) {
            this.#clearBacklog();
            if (this.#drain(((r: T) => this.#backlog.push(r)) as (r: never) => void, BATCH, false) === 0) return NONE;
          }
          return this.#backlog[this.#backlogAt++]!;
        },
        waitReady: () => {
          const wait = this.#readiness.wait();
          if (this.pending) wait.cancel(); // armed after the last drain: nothing slips between
          return wait;
        },
        isClosed: () => this.#closed,
      },
      options.signal,
    );
  }

  [Symbol.asyncIterator](): AsyncIterator<T> {
    return this.events();
  }

  /**
   * Calls `callback` for every record as it arrives, in batches (one wake-up of the event loop
   * drains everything ready), until the returned function is called, `signal` aborts or the reader
   * closes. With `raw`, records are zero-copy views valid during the callback. The watch keeps the
   * process alive meanwhile.
   */
  onEvent(callback: (record: T) => void, options?: RingBufReadOptions & { raw?: false }): () => void;
  onEvent(callback: (record: Uint8Array) => void, options: RingBufReadOptions & { raw: true }): () => void;
  onEvent(callback: (record: never) => void, options: RingBufListenOptions = {}): () => void {
    this.#map();
    const drain = options.raw ? () => this.consumeRaw(callback as (r: Uint8Array) => void) : () => this.consume(callback as (r: T) => void);
    const watch = watchReadable(this.fd.raw, `ring buffer ${this.name}`, drain);
    return startListener(this.#listeners, drain, options, () => watch.close());
  }

  /** Stops every iteration and listener, unmaps the ring and closes its descriptor. Idempotent. */
  override close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#readiness.close();
    for (const stop of [...this.#listeners]) stop();
    this.#clearBacklog();
    if (this.#mapping) {
      unmap(this.#mapping.producer);
      unmap(this.#mapping.consumer);
      this.#mapping = undefined;
    }
    super.close();
  }
}
