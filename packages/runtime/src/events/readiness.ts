/**
 * Waiting for records: a readiness watch on a descriptor (epoll through the event loop, never a
 * thread) and, for producers that submit without wake-ups, a timer. One watch serves every waiter
 * of a reader and is closed when the last one leaves, so that nothing keeps the process alive or
 * spins while no one waits (the descriptors are level-triggered: an open watch over unread records
 * would fire on every loop turn).
 */
import type { Watch } from "../sys/door.js";
import { watchReadable } from "../sys/memory.js";

export class Readiness {
  readonly #fd: () => number;
  readonly #label: string;
  /** Called on a wake-up before the waiters resume (a perf reader clears its epoll there). */
  readonly #onWake: (() => void) | undefined;
  #watch: Watch | undefined;
  #timer: NodeJS.Timeout | undefined;
  readonly #waiters = new Set<() => void>();
  /** Also wake every this many milliseconds while someone waits (undefined: only on readiness). */
  pollIntervalMs: number | undefined;

  constructor(fd: () => number, label: string, onWake?: () => void) {
    this.#fd = fd;
    this.#label = label;
    this.#onWake = onWake;
  }

  /** Resolves on the next readiness, timer tick, cancel() or close(). */
  wait(): { promise: Promise<void>; cancel(): void } {
    let wake!: () => void;
    const promise = new Promise<void>((resolve) => {
      wake = () => {
        if (!this.#waiters.delete(wake)) return;
        if (this.#waiters.size === 0) this.#stop();
        resolve();
      };
    });
    this.#waiters.add(wake);
    this.#watch ??= watchReadable(this.#fd(), this.#label, () => {
      this.#onWake?.();
      this.wakeAll();
    });
    if (this.pollIntervalMs !== undefined && !this.#timer) {
      this.#timer = setTimeout(() => {
        this.#timer = undefined;
        this.wakeAll();
      }, this.pollIntervalMs);
    }
    return { promise, cancel: wake };
  }

  wakeAll(): void {
    for (const wake of [...this.#waiters]) wake();
  }

  #stop(): void {
    this.#watch?.close();
    this.#watch = undefined;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  /** Wakes every waiter and stops watching. */
  close(): void {
    this.wakeAll();
    this.#stop();
  }
}
