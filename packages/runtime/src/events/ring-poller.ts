/**
 * Several ring buffers (and perf buffers) read in one loop: one epoll instance over every
 * ring's descriptor, one readiness watch on the event loop, records taken one at a time in turn
 * from each ring so that a busy ring cannot starve the others and a consumer that stops early
 * leaves everything it did not take in the rings (nothing the kernel delivered is lost).
 *
 * Programs may submit with BPF_RB_NO_WAKEUP (no notification: the record waits for the next
 * wake-up) or BPF_RB_FORCE_WAKEUP; `pollIntervalMs` also looks at the rings on a timer, so that
 * records submitted without wake-ups are delivered even when no wake-up follows.
 */
import type { Watch } from "../sys/door.js";
import { Epoll } from "../sys/epoll.js";
import { watchReadable } from "../sys/memory.js";
import type { BpfMap } from "../maps/map.js";
import { eventLoopTurns } from "./event-loop-turns.js";

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
export async function* pollRings<T = unknown>(readers: readonly PollableReader<T>[], options: PollOptions = {}): AsyncIterableIterator<PolledRecord<T>> {
  const epoll = new Epoll(`epoll of ${readers.map((r) => r.name).join(", ")}`);
  let watch: Watch | undefined;
  let timer: NodeJS.Timeout | undefined;
  let wake: (() => void) | undefined;
  const onAbort = () => wake?.();
  options.signal?.addEventListener("abort", onAbort, { once: true });
  try {
    for (const r of readers) epoll.add(r.pollFd);
    let next = 0;
    const turn = eventLoopTurns();
    while (!options.signal?.aborted && readers.some((r) => !r.closed)) {
      let got: PolledRecord<T> | undefined;
      for (let i = 0; i < readers.length && !got; i++) {
        const r = readers[(next + i) % readers.length]!;
        if (r.closed) continue;
        if (r.consume((record) => (got = { map: r.name, record }), 1) > 0) next = (next + i + 1) % readers.length;
      }
      if (got) {
        yield got;
        await turn();
        continue;
      }
      await new Promise<void>((resolve) => {
        wake = () => {
          wake = undefined;
          if (timer) clearTimeout(timer);
          timer = undefined;
          resolve();
        };
        watch ??= watchReadable(epoll.fd.raw, "ring poller", () => {
          epoll.ready();
          wake?.();
        });
        if (options.pollIntervalMs !== undefined) timer = setTimeout(() => wake?.(), options.pollIntervalMs);
        if (options.signal?.aborted) wake();
      });
    }
  } finally {
    options.signal?.removeEventListener("abort", onAbort);
    if (timer) clearTimeout(timer);
    watch?.close();
    epoll.close();
  }
}
