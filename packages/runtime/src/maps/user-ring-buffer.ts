/**
 * `UserRingBufWriter<T>`: the producer side of a BPF_MAP_TYPE_USER_RINGBUF (kernel 6.1), as
 * libbpf's user_ring_buffer__reserve/submit/discard write it; programs take the records with
 * `bpf_user_ringbuf_drain`.
 *
 * Layout (kernel/bpf/ringbuf.c, the same as a ring buffer's): page 0 holds the consumer position,
 * which the kernel advances and user space may only map read-only; page 1 the producer position,
 * then the data area twice in a row, both mapped read-write so that a record that wraps around the
 * end is still contiguous. A record is an 8-byte header (u32 length, BUSY bit 31 while user space
 * writes it, DISCARD bit 30; u32 padding) and the data, rounded up to 8 bytes. Reserving writes the
 * header with BUSY and publishes the new producer position; committing clears BUSY (and sets
 * DISCARD for a discard) with one atomic store, after which a drain may take it. A drain stops at a
 * record still BUSY. One producer: records are reserved in order by this handle alone (libbpf's
 * rule too); JavaScript runs one call at a time, so no lock is needed.
 */
import type { MapSpec } from "@tsbpf/object";
import { encodeInto, type Codec } from "../btf-values/index.js";
import { MapError } from "../errors.js";
import { SharedPosition } from "../events/shared-position.js";
import { Errno } from "../sys/errno.js";
import type { Fd } from "../sys/fd.js";
import { mapShared, pageSize, PROT_READ, PROT_WRITE, unmap } from "../sys/memory.js";
import { BpfMap } from "./map.js";

const BUSY = 0x80000000;
const DISCARD = 0x40000000;
const HEADER = 8;

/** Room reserved in the ring for one record: fill `bytes`, then `submit()` or `discard()` it, once. */
export interface UserRingBufSample {
  /** The record's bytes, in the ring itself (zeroed); valid until submit or discard. */
  readonly bytes: Uint8Array;
  /** Hands the record to the programs that drain the ring. */
  submit(): void;
  /** Gives the room back: drains skip the record. */
  discard(): void;
}

interface Mapping {
  consumer: ArrayBuffer;
  producer: ArrayBuffer;
  consumerPos: SharedPosition;
  producerPos: SharedPosition;
  /** u32 words of the data area (both copies), for the headers. */
  headers: Uint32Array;
  /** Byte offset of the data area in `producer`. */
  dataOffset: number;
  mask: number;
}

/**
 * The producer of a BPF_MAP_TYPE_USER_RINGBUF (kernel 6.1): writes records of the ring's record
 * type `T` into the shared mapping, without a system call per record. A full ring is a `MapError`
 * with `code` "ENOSPC": write again once a program has drained it.
 */
export class UserRingBufWriter<T = unknown> extends BpfMap {
  readonly #codec: Codec | undefined;
  #mapping: Mapping | undefined;
  #closed = false;

  /** `codec` encodes records (the ring's record type); without one only `writeBytes` and `reserve` work. */
  constructor(fd: Fd, spec: Pick<MapSpec, "name" | "type" | "keySize" | "valueSize" | "maxEntries" | "flags">, codec?: Codec) {
    super(fd, spec);
    this.#codec = codec;
  }

  /** The ring's data size in bytes (its max_entries). */
  get size(): number {
    return this.maxEntries;
  }

  #map(): Mapping {
    if (this.#mapping) return this.#mapping;
    if (this.#closed) throw new MapError("the user ring buffer is closed", { map: this.name });
    const page = pageSize();
    // The kernel refuses a writable mapping of the consumer page (EPERM).
    const consumer = mapShared(this.fd, page, PROT_READ, 0);
    let producer: ArrayBuffer;
    try {
      producer = mapShared(this.fd, page + 2 * this.maxEntries, PROT_READ | PROT_WRITE, page);
    } catch (error) {
      unmap(consumer);
      throw error;
    }
    this.#mapping = {
      consumer,
      producer,
      consumerPos: new SharedPosition(consumer, 0),
      producerPos: new SharedPosition(producer, 0),
      headers: new Uint32Array(producer, page, (2 * this.maxEntries) / 4),
      dataOffset: page,
      mask: this.maxEntries - 1,
    };
    return this.#mapping;
  }

  /** Bytes written (committed or not) that no drain has taken yet, headers and padding included. */
  get pending(): number {
    const m = this.#map();
    return m.producerPos.load() - m.consumerPos.load();
  }

  /** Bytes free for new records now, headers and padding included (a record of n bytes takes n + 8 rounded up to 8). */
  get free(): number {
    return this.maxEntries - this.pending;
  }

  /**
   * Reserves room for a record of `size` bytes (default: the record type's size) and returns it to
   * fill in place. Throws a MapError: ENOSPC when the ring has no room now (drain it first),
   * E2BIG when the record could never fit.
   */
  reserve(size: number = this.#recordSize()): UserRingBufSample {
    if (!Number.isInteger(size) || size <= 0) throw new MapError(`a record has a positive whole number of bytes, not ${size}`, { map: this.name, errno: Errno.EINVAL });
    const m = this.#map();
    const total = (size + HEADER + 7) & ~7;
    if (total > this.maxEntries) {
      throw new MapError(`a record of ${size} bytes takes ${total} with its header, more than the ring's ${this.maxEntries} bytes (E2BIG); raise size in the map's definition`, { map: this.name, errno: Errno.E2BIG });
    }
    const consumer = m.consumerPos.load();
    const producer = m.producerPos.load();
    const free = this.maxEntries - (producer - consumer);
    if (free < total) {
      throw new MapError(`is full (ENOSPC): ${free} bytes free, a record of ${size} bytes needs ${total}; let a program drain the ring (bpf_user_ringbuf_drain) and write again`, { map: this.name, errno: Errno.ENOSPC });
    }
    const at = producer & m.mask;
    const word = at >>> 2;
    Atomics.store(m.headers, word, (size | BUSY) >>> 0);
    Atomics.store(m.headers, word + 1, 0);
    // The kernel reads the producer position first, then the header (still BUSY): it waits for the commit.
    m.producerPos.store(producer + total);
    const bytes = new Uint8Array(m.producer, m.dataOffset + at + HEADER, size);
    bytes.fill(0);
    let done = false;
    const commit = (flags: number): void => {
      if (done) throw new MapError("this record was already submitted or discarded", { map: this.name });
      done = true;
      if (this.#closed) return;
      Atomics.store(m.headers, word, (size | flags) >>> 0);
    };
    return { bytes, submit: () => commit(0), discard: () => commit(DISCARD) };
  }

  /** Writes one record of the ring's type (checked against it as map values are). Throws as `reserve` does. */
  write(record: T): void {
    const codec = this.#codec;
    if (!codec) throw new MapError("this ring has no record type in its BTF: write bytes with writeBytes()", { map: this.name });
    // Encoded (and validated) before any room is taken: a bad value leaves the ring untouched.
    const bytes = new Uint8Array(codec.size);
    encodeInto(codec, new DataView(bytes.buffer), 0, record, { map: this.name, what: "record" });
    this.writeBytes(bytes);
  }

  /** Writes `bytes` as one record. Throws as `reserve` does. */
  writeBytes(bytes: Uint8Array): void {
    const sample = this.reserve(bytes.length);
    sample.bytes.set(bytes);
    sample.submit();
  }

  #recordSize(): number {
    if (!this.#codec) throw new MapError("this ring has no record type in its BTF: give reserve() a size", { map: this.name });
    return this.#codec.size;
  }

  /** Unmaps the ring and closes its descriptor. Idempotent. */
  override close(): void {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#mapping) {
      unmap(this.#mapping.producer);
      unmap(this.#mapping.consumer);
      this.#mapping = undefined;
    }
    super.close();
  }
}
