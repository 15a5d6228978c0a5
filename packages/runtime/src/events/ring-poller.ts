/**
 * Several ring buffers (and perf buffers) read in one loop: one epoll instance over every
 * reader's descriptor, one readiness watch on the event loop, records taken one at a time in turn
 * from each reader so that a busy ring cannot starve the others and a consumer that stops early
 * leaves everything it did not take in the rings (nothing the kernel delivered is lost).
 *
 * Programs may submit with BPF_RB_NO_WAKEUP (no notification: the record waits for the next
 * wake-up) or BPF_RB_FORCE_WAKEUP; `pollIntervalMs` also looks at the rings on a timer, so that
 * records submitted without wake-ups are delivered even when no wake-up follows. The loop ends on
 * `break`, `return()`, an aborted signal, or when every reader is closed, without hanging.
 */
import { Epoll } from "../sys/epoll.js";
import type { BpfMap } from "../maps/map.js";
import { Readiness } from "./readiness.js";
import { NONE, RecordIterator } from "./record-iterator.js";

/** What the poller needs of a reader (RingBufReader and PerfBufReader both have it). */
export interface PollableReader<T = unknown> extends BpfMap {
  consume(onRecord: (record: T) => void, limit?: number): number;
  /** The descriptor that becomes readable when records arrive. */
  readonly pollFd: number;
}

export interface PollOptions {
  signal?: AbortSignal;
  /** Also check the rings every this many milliseconds (records submitted with BPF_RB_NO_WAKEUP). */
  pollIntervalMs?: number;
}

export interface PolledRecord<T = unknown> {
  /** The map's name. */
  map: string;
  record: T;
}

/** Records from every reader as they arrive, tagged with their map's name. */
export function pollRings<T = unknown>(readers: readonly PollableReader<T>[], options: PollOptions = {}): AsyncIterableIterator<PolledRecord<T>> {
  const epoll = new Epoll(`epoll of ${readers.map((r) => r.name).join(", ")}`);
  try {
    for (const r of readers) epoll.add(r.pollFd);
  } catch (error) {
    epoll.close();
    throw error;
  }
  const readiness = new Readiness(() => epoll.fd.raw, "ring poller", () => epoll.ready());
  readiness.pollIntervalMs = options.pollIntervalMs;
  let next = 0;
  let released = false;
  const release = () => {
    if (released) return;
    released = true;
    readiness.close();
    epoll.close();
  };
  const take = (): PolledRecord<T> | typeof NONE => {
    let got: PolledRecord<T> | typeof NONE = NONE;
    for (let i = 0; i < readers.length && got === NONE; i++) {
      const r = readers[(next + i) % readers.length]!;
      if (r.closed) continue;
      if (r.consume((record) => (got = { map: r.name, record }), 1) > 0) next = (next + i + 1) % readers.length;
    }
    return got;
  };
  const iterator = new RecordIterator<PolledRecord<T>>(
    {
      pull: take,
      waitReady: () => readiness.wait(),
      isClosed: () => released || readers.every((r) => r.closed),
    },
    options.signal,
  );
  // The epoll and its watch go with the iteration, however it ends.
  const finish = iterator.return.bind(iterator);
  const nextRecord = iterator.next.bind(iterator);
  return Object.assign(iterator, {
    next: async () => {
      const result = await nextRecord();
      if (result.done) release();
      return result;
    },
    return: async () => {
      const result = await finish();
      release();
      return result;
    },
  });
}
