/**
 * Readers of event streams (ring buffers, perf buffers, trace_pipe) hand out records as long as the
 * kernel has some. Awaiting only promises that are already settled never lets the event loop run,
 * so a stream that never runs dry (a probe that sees its own reader's writes, say) would starve
 * timers, signal handlers and I/O: `tsbpf run --duration` would never end. Every `every` records,
 * a reader awaits one turn of the event loop.
 */
export function eventLoopTurns(every = 256): () => Promise<void> | undefined {
  let count = 0;
  return () => {
    if (++count < every) return undefined;
    count = 0;
    return new Promise<void>((resolve) => setImmediate(resolve));
  };
}
