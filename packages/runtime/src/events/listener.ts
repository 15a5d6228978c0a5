/**
 * The life of an `onEvent` listener, shared by ring and perf buffer readers: `drain` runs on every
 * wake-up (the reader arranges that), every `pollIntervalMs` when asked (records submitted without
 * a wake-up), and once right away for what is already waiting; the returned `stop` ends it, as does
 * `signal` or the reader's close (which calls every registered stop). `release` undoes what the
 * reader set up for this listener.
 */
export interface ListenerOptions {
  signal?: AbortSignal;
  pollIntervalMs?: number;
}

export function startListener(listeners: Set<() => void>, drain: () => void, options: ListenerOptions, release: () => void): () => void {
  const timer = options.pollIntervalMs !== undefined ? setInterval(drain, options.pollIntervalMs) : undefined;
  const stop = () => {
    if (!listeners.delete(stop)) return;
    release();
    if (timer) clearInterval(timer);
    options.signal?.removeEventListener("abort", stop);
  };
  listeners.add(stop);
  options.signal?.addEventListener("abort", stop, { once: true });
  if (options.signal?.aborted) stop();
  // Deliver what is already waiting without waiting for the first wake-up.
  else queueMicrotask(() => listeners.has(stop) && drain());
  return stop;
}
