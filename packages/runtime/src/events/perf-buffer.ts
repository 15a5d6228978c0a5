/**
 * `PerfBufReader<T>`: the consumer of a BPF_MAP_TYPE_PERF_EVENT_ARRAY (kernel 4.3), as libbpf's
 * perf_buffer reads it. For every online CPU a PERF_COUNT_SW_BPF_OUTPUT perf event with a
 * PERF_SAMPLE_RAW mmap ring goes into the map at the CPU's index; bpf_perf_event_output writes
 * there. The rings are opened when the object loads (loadObject calls `open()`), so that records
 * written right after attach() are kept. One epoll instance over all rings wakes the reader.
 *
 * Ring layout (include/uapi/linux/perf_event.h): page 0 is struct perf_event_mmap_page, whose
 * data_head (offset 1024) the kernel advances and data_tail (1032) the reader publishes; the
 * data pages follow. Records: struct perf_event_header { u32 type; u16 misc; u16 size } then
 * for PERF_RECORD_SAMPLE a u32 size and the raw bytes (padded to 8), for PERF_RECORD_LOST
 * { u64 id; u64 lost }. A record may wrap around the end of the data area (then it is copied).
 *
 * Wake-ups: a perf event's poll state is one-shot (perf_poll clears it), and registering a
 * descriptor with epoll polls it once and throws that answer away: a watch registered after the
 * records came would never fire, and a full ring that nobody drains gets no more records, so no
 * more wake-ups (the "full ring left unread" stall). So the reader watches its rings' epoll from
 * open() on, for as long as it lives (unreferenced while nobody reads, so it keeps no process
 * alive), checks the rings once more after the registration has surely happened (two event loop
 * turns later), and every wake-up drains every ring, whichever one said it was ready.
 *
 * Losses: the kernel counts the samples it drops on a full ring and reports them in a
 * PERF_RECORD_LOST written when the ring next has room, so `lost` is exact once a later sample
 * has been read; `failedOutputs` (the probe's own count of failed bpf_perf_event_output calls,
 * which tsbpf's compiler keeps) is exact at any time.
 */
import { startListener } from "./listener.js";
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
import type { RecordDecoder } from "./decoder.js";
import { Readiness } from "./readiness.js";
import { SharedPosition } from "./shared-position.js";
import { NONE, RecordIterator } from "./record-iterator.js";

const PERF_RECORD_LOST = 2;
const PERF_RECORD_SAMPLE = 9;
/** Byte offsets of data_head and data_tail in perf_event_mmap_page. */
const HEAD = 1024;
const TAIL = 1032;
const PUBLISH_EVERY = 64;
const BATCH = 64;
/** 64 pages (256 KiB with 4 KiB pages) per CPU, as libbpf-tools' perf buffers. */
const DEFAULT_PAGES = 64;

export interface PerfBufOptions {
  /** Data pages per CPU, a power of two (default 64). */
  pages?: number;
  /** Wake the reader after this many records (default 1). */
  wakeupEvents?: number;
}

export interface PerfReadOptions {
  signal?: AbortSignal;
  /** Also look at the rings every this many milliseconds (with `wakeupEvents` > 1). */
  pollIntervalMs?: number;
}

export interface PerfListenOptions extends PerfReadOptions {
  /** Hand out each record as a zero-copy Uint8Array (every byte of the sample), valid only during the callback. */
  raw?: boolean;
  /**
   * Also hand out the bytes after the record type (see PerfSample.appended) as a second argument,
   * a zero-copy Uint8Array valid only during the callback.
   */
  appended?: boolean;
}

export interface PerfSampleOptions extends PerfReadOptions {
  /** Give each sample its `appended` bytes (a copy). */
  appended?: boolean;
}

interface CpuRing {
  cpu: number;
  perf: Fd;
  buffer: ArrayBuffer;
  /** data_head (the kernel's) and data_tail (ours). */
  head: SharedPosition;
  tail: SharedPosition;
  view: DataView;
  /** Where the data pages start in `buffer`. */
  base: number;
  size: number;
}

/** One sample: the decoded record and the CPU it came from. */
export interface PerfSample<T> {
  cpu: number;
  record: T;
  /**
   * With `samples({ appended: true })`: the sample's bytes after the record type, which is where
   * `perfOutput(ctx, v, { packetBytes: n })` (bpf_perf_event_output with BPF_F_CTXLEN_MASK,
   * bcc's `perf_submit_skb`) puts the packet's first `n` bytes. The kernel pads every sample with
   * zeros so that it and its u32 size fill 8-byte units: up to 7 zero bytes may follow the `n`
   * (send `n` in the record when it matters; libbpf and bcc hand out the same padded size).
   */
  appended?: Uint8Array;
}

/**
 * The consumer of a BPF_MAP_TYPE_PERF_EVENT_ARRAY (kernel 4.3): one ring per online CPU, read
 * with `for await`, each record decoded with the map's record type; lost records are counted.
 */
export class PerfBufReader<T = unknown> extends BpfMap implements AsyncIterable<T> {
  readonly #codec: Codec | undefined;
  readonly #decoder: RecordDecoder | undefined;
  #rings: CpuRing[] | undefined;
  /** Rings replaced by configure(): drained first, then closed. */
  #retired: CpuRing[] = [];
  #epoll: Epoll | undefined;
  #closed = false;
  #lost = 0n;
  #options: PerfBufOptions = {};
  #scratch = new Uint8Array(256);
  readonly #readiness: Readiness;
  /** The persistent watch on the rings' epoll, and how many readers use it (referenced while > 0). */
  #watch: Watch | undefined;
  #users = 0;
  /** Callbacks (onEvent listeners' drains) to run on each wake-up. */
  #drains = new Set<() => void>();
  #listeners = new Set<() => void>();
  #backlog: PerfSample<T>[] = [];
  #backlogAt = 0;
  #failed: (() => bigint) | undefined;

  constructor(fd: Fd, spec: Pick<MapSpec, "name" | "type" | "keySize" | "valueSize" | "maxEntries" | "flags">, codec?: Codec, decoder?: RecordDecoder) {
    super(fd, spec);
    this.#codec = codec;
    this.#decoder = decoder ?? (codec ? (view, offset) => codec.read(view, offset) : undefined);
    this.#readiness = new Readiness(undefined, `perf buffer ${spec.name}`);
    this.#readiness.onActive = (active) => this.#use(active);
  }

  #use(active: boolean): void {
    this.#users += active ? 1 : -1;
    if (this.#users === 1 && active) this.#watch?.ref();
    if (this.#users === 0) this.#watch?.unref();
  }

  /** A wake-up (or a check that found records): every listener drains, every waiter resumes. */
  #onReadable(): void {
    for (const drain of [...this.#drains]) drain();
    this.#readiness.wakeAll();
  }

  #hasWork(): boolean {
    return this.#drains.size > 0 || this.#users > 0;
  }

  /**
   * Ring sizes and wake-up policy. The rings open when the object loads; configuring afterwards
   * opens new rings, points the map at them, and reads the old ones to the end before closing them.
   */
  configure(options: PerfBufOptions): this {
    if (options.pages !== undefined && (options.pages <= 0 || options.pages & (options.pages - 1))) {
      throw new RangeError(`perf buffer pages must be a power of two, not ${options.pages}`);
    }
    this.#options = options;
    if (this.#rings) {
      const old = this.#rings;
      this.#rings = undefined;
      this.open();
      for (const r of old) this.#epoll!.remove(r.perf.raw);
      this.#retired.push(...old);
    }
    return this;
  }

  /** @internal Where the object counts failed bpf_perf_event_output calls (see failedOutputs). */
  bindOutputFailureCounter(read: () => bigint): void {
    this.#failed = read;
  }

  /**
   * How many `perfOutput` calls failed, counted by the probe in the kernel (`__output_failed_<map>`):
   * exact at any time, where `lost` waits for the kernel's next PERF_RECORD_LOST. Undefined for a
   * foreign object without the counter.
   */
  get failedOutputs(): bigint | undefined {
    return this.#failed?.();
  }

  /**
   * Calls `onReady` on every wake-up of this reader's rings (and keeps the process alive) until
   * the returned function is called: how a poll loop over several readers (pollRings) waits on a
   * perf buffer, whose one-shot readiness a second epoll would lose.
   */
  subscribe(onReady: () => void): () => void {
    this.open();
    let active = true;
    const drain = () => onReady();
    this.#drains.add(drain);
    this.#use(true);
    if (this.#hasData()) queueMicrotask(drain);
    return () => {
      if (!active) return;
      active = false;
      this.#drains.delete(drain);
      this.#use(false);
    };
  }

  /**
   * The descriptor that becomes readable when samples arrive (an epoll over every CPU's ring).
   * Its readiness is one-shot per wake-up (see the top of this file): prefer `subscribe`.
   */
  get pollFd(): number {
    this.open();
    return this.#epoll!.fd.raw;
  }

  /** Samples the kernel dropped because a ring was full (PERF_RECORD_LOST), as read so far. */
  get lost(): bigint {
    return this.#lost;
  }

  /** Opens the per-CPU rings and puts them in the map (loadObject does this). Idempotent. */
  open(): void {
    if (this.#rings) return;
    if (this.#closed) throw new Error(`perf buffer ${this.name} is closed`);
    const page = pageSize();
    const pages = this.#options.pages ?? DEFAULT_PAGES;
    const rings: CpuRing[] = [];
    const epoll = this.#epoll ?? new Epoll(`epoll of perf buffer ${this.name}`);
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
        rings.push({ cpu, perf, buffer, head: new SharedPosition(buffer, HEAD), tail: new SharedPosition(buffer, TAIL), view: new DataView(buffer), base: page, size: page * pages });
        perfEventEnable(perf);
        epoll.add(perf.raw);
      }
      for (const r of rings) {
        const key = new Uint8Array(4);
        const value = new Uint8Array(4);
        new DataView(key.buffer).setUint32(0, r.cpu, littleEndian);
        new DataView(value.buffer).setUint32(0, r.perf.raw, littleEndian);
        mapUpdate(this.fd, key, value);
      }
    } catch (error) {
      for (const r of rings) this.#closeRing(r);
      if (!this.#epoll) epoll.close();
      throw error;
    }
    this.#rings = rings;
    this.#epoll = epoll;
    if (!this.#watch) {
      this.#watch = watchReadable(epoll.fd.raw, `perf buffer ${this.name}`, () => {
        if (this.#hasWork()) this.#onReadable();
      });
      if (this.#users === 0) this.#watch.unref();
      // libuv registers the watch on its next poll phase; after that phase (two turns later),
      // look once: records that came before the registration woke nobody.
      setImmediate(() => setImmediate(() => {
        if (!this.#closed && this.#hasWork() && this.#hasData()) this.#onReadable();
      })).unref?.();
    }
  }

  #closeRing(r: CpuRing): void {
    unmap(r.buffer);
    r.perf.close();
  }

  /** Whether any ring holds an unread record. */
  #hasData(): boolean {
    for (const r of this.#retired) if (r.head.load() !== r.tail.load()) return true;
    const rings = this.#rings;
    if (rings) for (let i = 0; i < rings.length; i++) if (rings[i]!.head.load() !== rings[i]!.tail.load()) return true;
    return false;
  }

  /** Bytes [at, at + length) of a ring's data area, copied when they wrap; returns [view, offset]. */
  #span(r: CpuRing, at: number, length: number): [DataView, number] {
    if (at + length <= r.size) return [r.view, r.base + at];
    if (this.#scratch.length < length) this.#scratch = new Uint8Array(length * 2);
    const data = new Uint8Array(r.buffer, r.base, r.size);
    const first = r.size - at;
    this.#scratch.set(data.subarray(at, r.size), 0);
    this.#scratch.set(data.subarray(0, length - first), first);
    return [new DataView(this.#scratch.buffer, 0, length), 0];
  }

  /** Drains one ring (up to `limit` samples); see RingBufReader's drain for the publication rules. */
  #drainRing(r: CpuRing, onSample: (cpu: number, view: DataView, offset: number, size: number) => void, limit: number): number {
    let tail = r.tail.load();
    let published = tail;
    let count = 0;
    // At most one ring's worth per call (see RingBufReader's drain).
    const end = tail + r.size;
    const { view, base, size: ringSize } = r;
    try {
      while (count < limit && tail < end) {
        const head = Math.min(r.head.load(), end);
        if (tail >= head) break;
        while (tail < head && count < limit) {
          const at = tail % ringSize;
          // The header and (usually) the whole record are contiguous: read them in place; only a
          // record that wraps around the end of the data area is copied (#span).
          let hv = view;
          let ho = base + at;
          if (at + 8 > ringSize) [hv, ho] = this.#span(r, at, 8);
          const type = hv.getUint32(ho, littleEndian);
          const size = hv.getUint16(ho + 6, littleEndian);
          if (size < 8) return count; // never written by the kernel: stop rather than spin
          let v = view;
          let o = base + at;
          if (at + size > ringSize) [v, o] = this.#span(r, at, size);
          tail += size;
          if (type === PERF_RECORD_SAMPLE) {
            count++;
            onSample(r.cpu, v, o + 12, v.getUint32(o + 8, littleEndian));
          } else if (type === PERF_RECORD_LOST) {
            this.#lost += v.getBigUint64(o + 16, littleEndian);
          }
          if (count % PUBLISH_EVERY === 0) {
            r.tail.store(tail);
            published = tail;
          }
        }
      }
    } finally {
      if (tail !== published && !this.#closed) r.tail.store(tail);
    }
    return count;
  }

  #drain(onSample: (cpu: number, view: DataView, offset: number, size: number) => void, limit: number): number {
    if (this.#closed) return 0;
    this.open();
    let count = 0;
    // Retired rings first (they hold the older records), closed once empty.
    while (this.#retired.length && count < limit) {
      const r = this.#retired[0]!;
      count += this.#drainRing(r, onSample, limit - count);
      if (r.head.load() !== r.tail.load()) break;
      this.#closeRing(this.#retired.shift()!);
    }
    for (const r of this.#rings!) {
      if (count >= limit) break;
      count += this.#drainRing(r, onSample, limit - count);
    }
    return count;
  }

  /** Nothing to hand out: no backlog and every ring empty (a busy poll's common case, allocation-free). */
  #idle(): boolean {
    return this.#backlogAt >= this.#backlog.length && this.#rings !== undefined && !this.#hasData();
  }

  /** The sample's bytes after the record type, as a view (valid while the ring holds them). */
  #appendedAt(view: DataView, offset: number, size: number): Uint8Array {
    const from = Math.min(size, this.#codec?.size ?? size);
    return new Uint8Array(view.buffer, view.byteOffset + offset + from, size - from);
  }

  #decodeAt(view: DataView, offset: number, size: number): T {
    const codec = this.#codec;
    if (!codec) return new Uint8Array(view.buffer.slice(view.byteOffset + offset, view.byteOffset + offset + size)) as T;
    if (size >= codec.size) return this.#decoder!(view, offset) as T;
    const padded = new Uint8Array(codec.size);
    padded.set(new Uint8Array(view.buffer, view.byteOffset + offset, size));
    return this.#decoder!(new DataView(padded.buffer), 0) as T;
  }

  /** Consumes every sample available now (up to `limit`), calling `onSample` for each; never waits. */
  consumeSamples(onSample: (sample: PerfSample<T>) => void, limit = Infinity): number {
    if (this.#idle()) return 0;
    let count = 0;
    while (count < limit && this.#backlogAt < this.#backlog.length) {
      count++;
      onSample(this.#backlog[this.#backlogAt++]!);
    }
    if (this.#backlog.length && this.#backlogAt >= this.#backlog.length) this.#clearBacklog();
    if (count >= limit) return count;
    return count + this.#drain((cpu, view, offset, size) => onSample({ cpu, record: this.#decodeAt(view, offset, size) }), limit - count);
  }

  /** consumeSamples without the CPU. */
  consume(onRecord: (record: T) => void, limit = Infinity): number {
    if (this.#idle()) return 0;
    let count = 0;
    while (count < limit && this.#backlogAt < this.#backlog.length) {
      count++;
      onRecord(this.#backlog[this.#backlogAt++]!.record);
    }
    if (this.#backlog.length && this.#backlogAt >= this.#backlog.length) this.#clearBacklog();
    if (count >= limit) return count;
    return count + this.#drain((_cpu, view, offset, size) => onRecord(this.#decodeAt(view, offset, size)), limit - count);
  }

  /**
   * consume, each record with the bytes after it (PerfSample.appended) as a zero-copy view valid
   * only during the callback.
   */
  consumeAppended(onRecord: (record: T, appended: Uint8Array) => void, limit = Infinity): number {
    if (this.#idle()) return 0;
    let count = 0;
    while (count < limit && this.#backlogAt < this.#backlog.length) {
      count++;
      const sample = this.#backlog[this.#backlogAt++]!;
      onRecord(sample.record, sample.appended ?? new Uint8Array(0));
    }
    if (this.#backlog.length && this.#backlogAt >= this.#backlog.length) this.#clearBacklog();
    if (count >= limit) return count;
    return count + this.#drain((_cpu, view, offset, size) => onRecord(this.#decodeAt(view, offset, size), this.#appendedAt(view, offset, size)), limit - count);
  }

  /**
   * Consumes every sample available now as a zero-copy Uint8Array, valid only during the callback
   * (a record that wrapped around the ring's end is a copy). Never waits. The bytes are the whole
   * sample as the kernel sized it: the record, any appended packet bytes, and the kernel's padding
   * to 8-byte units (up to 7 zero bytes; see PerfSample.appended), as libbpf hands them out.
   */
  consumeRaw(onRecord: (bytes: Uint8Array, cpu: number) => void, limit = Infinity): number {
    if (this.#idle()) return 0;
    return this.#drain((cpu, view, offset, size) => onRecord(new Uint8Array(view.buffer, view.byteOffset + offset, size), cpu), limit);
  }

  #clearBacklog(): void {
    this.#backlog = [];
    this.#backlogAt = 0;
  }

  #iterate<R>(options: PerfSampleOptions, map: (s: PerfSample<T>) => R): AsyncIterableIterator<R> {
    this.open();
    const push = options.appended
      ? (cpu: number, view: DataView, offset: number, size: number) =>
          void this.#backlog.push({ cpu, record: this.#decodeAt(view, offset, size), appended: this.#appendedAt(view, offset, size).slice() })
      : (cpu: number, view: DataView, offset: number, size: number) => void this.#backlog.push({ cpu, record: this.#decodeAt(view, offset, size) });
    if (options.pollIntervalMs !== undefined) this.#readiness.pollIntervalMs = options.pollIntervalMs;
    return new RecordIterator<R>(
      {
        pull: () => {
          if (this.#backlogAt >= this.#backlog.length) {
            this.#clearBacklog();
            const taken = this.#drain(push, BATCH);
            if (taken === 0) return NONE;
          }
          return map(this.#backlog[this.#backlogAt++]!);
        },
        waitReady: () => {
          const wait = this.#readiness.wait();
          // Armed: a record that came after the last drain either woke the watch or is seen here.
          if (this.#hasData()) wait.cancel();
          return wait;
        },
        isClosed: () => this.#closed,
      },
      options.signal,
    );
  }

  /**
   * Samples with their CPU (and with `appended`, the bytes after the record), as they arrive; ends
   * on `break`, `return()`, when `signal` aborts or the reader closes, whether or not samples are
   * still arriving.
   */
  samples(options: PerfSampleOptions = {}): AsyncIterableIterator<PerfSample<T>> {
    return this.#iterate(options, (s) => s);
  }

  /** Records as they arrive (the same iteration as a ring buffer's). Kernel 4.3. */
  events(options: PerfReadOptions = {}): AsyncIterableIterator<T> {
    return this.#iterate(options, (s) => s.record);
  }

  [Symbol.asyncIterator](): AsyncIterator<T> {
    return this.events();
  }

  /**
   * Calls `callback` for every record as it arrives (every wake-up drains every ring), until the
   * returned function is called, `signal` aborts or the reader closes. With `raw`, records are
   * zero-copy views valid during the callback; with `appended`, each record comes with the bytes
   * after it (bcc's `perf_submit_skb` packet bytes: PerfSample.appended), a view valid as long.
   */
  onEvent(callback: (record: T) => void, options?: PerfReadOptions & { raw?: false; appended?: false }): () => void;
  onEvent(callback: (record: T, appended: Uint8Array) => void, options: PerfReadOptions & { raw?: false; appended: true }): () => void;
  onEvent(callback: (record: Uint8Array) => void, options: PerfReadOptions & { raw: true; appended?: false }): () => void;
  onEvent(callback: (record: never, appended: never) => void, options: PerfListenOptions = {}): () => void {
    this.open();
    const drain = options.raw ? () => this.consumeRaw(callback as (r: Uint8Array) => void)
      : options.appended ? () => this.consumeAppended(callback as (r: T, a: Uint8Array) => void)
      : () => this.consume(callback as (r: T) => void);
    this.#drains.add(drain);
    this.#use(true);
    return startListener(this.#listeners, drain, options, () => {
      this.#drains.delete(drain);
      this.#use(false);
    });
  }

  /** Unmaps every ring, closes the perf events and the map. Idempotent. */
  override close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#readiness.close();
    for (const stop of [...this.#listeners]) stop();
    this.#watch?.close();
    this.#watch = undefined;
    this.#clearBacklog();
    for (const r of [...this.#retired, ...(this.#rings ?? [])]) this.#closeRing(r);
    this.#rings = undefined;
    this.#retired = [];
    this.#epoll?.close();
    this.#epoll = undefined;
    super.close();
  }
}
