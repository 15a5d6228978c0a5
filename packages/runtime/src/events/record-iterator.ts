/**
 * The `for await` side of an event reader, written by hand rather than as an async generator: an
 * async generator suspended in an `await` (waiting for the next wake-up) queues `return()` until it
 * reaches a `yield`, so `break` or `iterator.return()` after the producer stopped used to hang.
 * Here `return()`, `throw()`, an aborted signal and the reader's `close()` each settle a pending
 * `next()` at once and release the wait.
 *
 * Records come from `source.pull()` (a reader's small backlog, refilled from the kernel's ring a
 * batch at a time), so there is one promise per record but no wake-up, watch or syscall per record.
 */
import { eventLoopTurns } from "./event-loop-turns.js";

export interface PullSource<T> {
  /** The next record, or `NONE` when the rings are empty now. Never waits. */
  pull(): T | typeof NONE;
  /** Resolves when records may be ready; `cancel` resolves it early. */
  waitReady(): { promise: Promise<void>; cancel(): void };
  /** The reader was closed: the iteration ends. */
  isClosed(): boolean;
}

/** What `pull` returns when nothing is waiting. */
export const NONE: unique symbol = Symbol("no record");

const DONE: IteratorReturnResult<undefined> = { done: true, value: undefined };

export class RecordIterator<T> implements AsyncIterableIterator<T> {
  readonly #source: PullSource<T>;
  readonly #signal: AbortSignal | undefined;
  readonly #turn = eventLoopTurns();
  #done = false;
  #cancelWait: (() => void) | undefined;
  readonly #onAbort = () => this.#finish();

  constructor(source: PullSource<T>, signal?: AbortSignal) {
    this.#source = source;
    this.#signal = signal;
    signal?.addEventListener("abort", this.#onAbort, { once: true });
  }

  async next(): Promise<IteratorResult<T, undefined>> {
    for (;;) {
      if (this.#done || this.#source.isClosed() || this.#signal?.aborted) return this.#finish();
      const record = this.#source.pull();
      if (record !== NONE) {
        // Now and then a turn of the event loop, so that an endless stream cannot starve timers and I/O.
        const turn = this.#turn();
        if (turn) await turn;
        return { done: false, value: record };
      }
      const wait = this.#source.waitReady();
      this.#cancelWait = wait.cancel;
      await wait.promise;
      this.#cancelWait = undefined;
    }
  }

  /** Ends the iteration now (a `break` calls this); records not taken stay in the reader. */
  async return(): Promise<IteratorResult<T, undefined>> {
    return this.#finish();
  }

  async throw(error?: unknown): Promise<IteratorResult<T, undefined>> {
    this.#finish();
    throw error;
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  #finish(): IteratorReturnResult<undefined> {
    if (!this.#done) {
      this.#done = true;
      this.#signal?.removeEventListener("abort", this.#onAbort);
    }
    const cancel = this.#cancelWait;
    this.#cancelWait = undefined;
    cancel?.();
    return DONE;
  }
}
