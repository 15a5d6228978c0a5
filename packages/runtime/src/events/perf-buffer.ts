/**
 * `PerfBufReader<T>`: the consumer of a BPF_MAP_TYPE_PERF_EVENT_ARRAY (kernel 4.3), as libbpf's
 * perf_buffer reads it. For every online CPU a PERF_COUNT_SW_BPF_OUTPUT perf event with a
 * PERF_SAMPLE_RAW mmap ring goes into the map at the CPU's index; bpf_perf_event_output writes
 * there. One epoll instance over all rings wakes the reader.
 *
 * Ring layout (include/uapi/linux/perf_event.h): page 0 is struct perf_event_mmap_page, whose
 * data_head (offset 1024) the kernel advances and data_tail (1032) the reader publishes; the
 * data pages follow. Records: struct perf_event_header { u32 type; u16 misc; u16 size } then
 * for PERF_RECORD_SAMPLE a u32 size and the raw bytes, for PERF_RECORD_LOST { u64 id; u64 lost }.
 * A record may wrap around the end of the data area.
 */
import type { MapSpec } from "@tsbpf/object";
import type { Codec } from "../btf-values/index.js";
import { littleEndian } from "../sys/attr.js";
import { mapUpdate } from "../sys/bpf.js";
import { Epoll } from "../sys/epoll.js";
import type { Watch } from "../sys/door.js";
import type { Fd } from "../sys/fd.js";
import { mapShared, pageSize, PROT_READ, PROT_WRITE, unmap, watchReadable } from "../sys/memory.js";
import { perfEventEnable, perfEventOpen, PERF_COUNT_SW_BPF_OUTPUT, PERF_SAMPLE_RAW, PerfType } from "../sys/perf.js";
import { onlineCpus } from "../links/perf-event.js";
import { BpfMap } from "../maps/map.js";
import { eventLoopTurns } from "./event-loop-turns.js";

const PERF_RECORD_LOST = 2;
const PERF_RECORD_SAMPLE = 9;

export interface PerfBufOptions {
  /** Data pages per CPU, a power of two (default 8). */
  pages?: number;
  /** Wake the reader after this many records (default 1). */
  wakeupEvents?: number;
}

export interface PerfReadOptions {
  signal?: AbortSignal;
}

interface CpuRing {
  cpu: number;
  perf: Fd;
  buffer: ArrayBuffer;
  meta: BigUint64Array;
  data: Uint8Array;
  size: number;
}

/** One sample: the decoded record and the CPU it came from. */
export interface PerfSample<T> {
  cpu: number;
  record: T;
}

export class PerfBufReader<T = unknown> extends BpfMap implements AsyncIterable<T> {
  readonly #codec: Codec | undefined;
  #rings: CpuRing[] | undefined;
  #epoll: Epoll | undefined;
  #watch: Watch | undefined;
  #waiters: (() => void)[] = [];
  #closed = false;
  #lost = 0n;
  #options: PerfBufOptions = {};

  constructor(fd: Fd, spec: Pick<MapSpec, "name" | "type" | "keySize" | "valueSize" | "maxEntries" | "flags">, codec?: Codec) {
    super(fd, spec);
    this.#codec = codec;
  }

  /** Ring sizes and wake-up policy; call before the first read. */
  configure(options: PerfBufOptions): this {
    if (this.#rings) throw new Error(`perf buffer ${this.name} is already open; configure it before reading`);
    this.#options = options;
    return this;
  }

  /** The descriptor to wait on for samples (an epoll over every CPU's ring; opens them). */
  get pollFd(): number {
    this.#open();
    return this.#epoll!.fd.raw;
  }

  /** Samples the kernel had to drop because a ring was full (PERF_RECORD_LOST), so far. */
  get lost(): bigint {
    return this.#lost;
  }

  #open(): CpuRing[] {
    if (this.#rings) return this.#rings;
    if (this.#closed) throw new Error(`perf buffer ${this.name} is closed`);
    const page = pageSize();
    const pages = this.#options.pages ?? 8;
    if (pages & (pages - 1)) throw new RangeError(`perf buffer pages must be a power of two, not ${pages}`);
    const rings: CpuRing[] = [];
    const epoll = new Epoll(`epoll of perf buffer ${this.name}`);
    try {
      for (const cpu of onlineCpus().filter((c) => c < this.maxEntries)) {
        const perf = perfEventOpen({
          type: PerfType.SOFTWARE,
          config: PERF_COUNT_SW_BPF_OUTPUT,
          sampleType: PERF_SAMPLE_RAW,
          samplePeriod: 1,
          wakeupEvents: this.#options.wakeupEvents ?? 1,
          cpu,
          pid: -1,
          label: `perf buffer ${this.name} cpu ${cpu}`,
        });
        let buffer: ArrayBuffer;
        try {
          buffer = mapShared(perf, page * (pages + 1), PROT_READ | PROT_WRITE, 0);
        } catch (error) {
          perf.close();
          throw error;
        }
        rings.push({ cpu, perf, buffer, meta: new BigUint64Array(buffer, 0, page / 8), data: new Uint8Array(buffer, page), size: page * pages });
        const key = new Uint8Array(4);
        const value = new Uint8Array(4);
        new DataView(key.buffer).setUint32(0, cpu, littleEndian);
        new DataView(value.buffer).setUint32(0, perf.raw, littleEndian);
        mapUpdate(this.fd, key, value);
        perfEventEnable(perf);
        epoll.add(perf.raw);
      }
    } catch (error) {
      for (const r of rings) {
        unmap(r.buffer);
        r.perf.close();
      }
      epoll.close();
      throw error;
    }
    this.#rings = rings;
    this.#epoll = epoll;
    return rings;
  }

  #decode(bytes: Uint8Array): T {
    const codec = this.#codec;
    if (!codec) return bytes as T;
    if (bytes.length >= codec.size) return codec.read(new DataView(bytes.buffer, bytes.byteOffset, bytes.length), 0) as T;
    const padded = new Uint8Array(codec.size);
    padded.set(bytes);
    return codec.read(new DataView(padded.buffer), 0) as T;
  }

  /** Copies `length` bytes at ring offset `at`, across the wrap. */
  #copy(r: CpuRing, at: number, length: number): Uint8Array {
    const out = new Uint8Array(length);
    const start = at % r.size;
    const first = Math.min(length, r.size - start);
    out.set(r.data.subarray(start, start + first));
    if (first < length) out.set(r.data.subarray(0, length - first), first);
    return out;
  }

  /** Consumes every sample available now (up to `limit`), calling `onSample` for each; never waits. */
  consumeSamples(onSample: (sample: PerfSample<T>) => void, limit = Infinity): number {
    if (this.#closed) return 0;
    let count = 0;
    for (const r of this.#open()) {
      // data_head (index 128 = byte 1024) with acquire, data_tail (129) published with release.
      let tail = Number(Atomics.load(r.meta, 129));
      const head = Number(Atomics.load(r.meta, 128));
      while (tail < head && count < limit) {
        const header = this.#copy(r, tail, 8);
        const hv = new DataView(header.buffer);
        const type = hv.getUint32(0, littleEndian);
        const size = hv.getUint16(6, littleEndian);
        if (size < 8) break;
        const body = this.#copy(r, tail + 8, size - 8);
        const bv = new DataView(body.buffer);
        tail += size;
        if (type === PERF_RECORD_SAMPLE) {
          const rawSize = bv.getUint32(0, littleEndian);
          const record = this.#decode(body.subarray(4, 4 + rawSize));
          Atomics.store(r.meta, 129, BigInt(tail));
          count++;
          onSample({ cpu: r.cpu, record });
          continue;
        }
        if (type === PERF_RECORD_LOST) this.#lost += bv.getBigUint64(8, littleEndian);
        Atomics.store(r.meta, 129, BigInt(tail));
      }
    }
    return count;
  }

  /** consumeSamples without the CPU. */
  consume(onRecord: (record: T) => void, limit = Infinity): number {
    return this.consumeSamples((s) => onRecord(s.record), limit);
  }

  #waitReadable(signal?: AbortSignal): Promise<void> {
    return new Promise<void>((resolve) => {
      if (this.#closed || signal?.aborted) return resolve();
      this.#open();
      const onAbort = () => done();
      const done = () => {
        signal?.removeEventListener("abort", onAbort);
        const i = this.#waiters.indexOf(done);
        if (i >= 0) this.#waiters.splice(i, 1);
        if (this.#waiters.length === 0) {
          this.#watch?.close();
          this.#watch = undefined;
        }
        resolve();
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      this.#waiters.push(done);
      this.#watch ??= watchReadable(this.#epoll!.fd.raw, `perf buffer ${this.name}`, () => {
        this.#epoll?.ready();
        for (const wake of [...this.#waiters]) wake();
      });
    });
  }

  /** Samples with their CPU, as they arrive; ends when `signal` aborts or the reader closes. */
  async *samples(options: PerfReadOptions = {}): AsyncIterableIterator<PerfSample<T>> {
    let sample: PerfSample<T> | undefined;
    const turn = eventLoopTurns();
    while (!this.#closed && !options.signal?.aborted) {
      if (this.consumeSamples((s) => (sample = s), 1) === 0) {
        await this.#waitReadable(options.signal);
        continue;
      }
      yield sample!;
      await turn();
    }
  }

  /** Records as they arrive (the same iteration as a ring buffer's). Kernel 4.3. */
  async *events(options: PerfReadOptions = {}): AsyncIterableIterator<T> {
    for await (const s of this.samples(options)) yield s.record;
  }

  [Symbol.asyncIterator](): AsyncIterator<T> {
    return this.events();
  }

  /** Unmaps every ring, closes the perf events and the map. Idempotent. */
  override close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const wake of [...this.#waiters]) wake();
    this.#watch?.close();
    this.#watch = undefined;
    for (const r of this.#rings ?? []) {
      unmap(r.buffer);
      r.perf.close();
    }
    this.#rings = undefined;
    this.#epoll?.close();
    super.close();
  }
}
