/**
 * A closed pipe ends tsbpf quietly: `tsbpf run x | head -1` stops when head has read its line, as
 * a C tool killed by SIGPIPE would, instead of dying with "Error: write EPIPE". Node ignores
 * SIGPIPE, so the failed write surfaces as an 'error' event on the stream.
 *
 * A run stops as at Ctrl-C: it detaches, still writes --folded and --flamegraph files and its
 * stderr lines, and exits 0; what it would print on stdout is dropped. Any other command exits
 * at once with status 0 (links and maps are file descriptors: exiting releases them).
 */

/** Aborted when stdout's reader has gone away. */
export const stdoutClosed = new AbortController();

/** Calls `onClosed` on EPIPE (and drops later writes), rethrows any other error of the stream. */
export function onClosedPipe(stream: NodeJS.WritableStream, onClosed: () => void): void {
  stream.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code !== "EPIPE") throw error;
    onClosed();
  });
}

/**
 * stdout as the commands write to it: a pass-through until the pipe closes, then a sink, so that
 * a run that is stopping does not fail on its last lines.
 */
export function guardedStdout(stdout: NodeJS.WriteStream, whenClosed: () => void): NodeJS.WritableStream {
  onClosedPipe(stdout, () => {
    if (!stdoutClosed.signal.aborted) stdoutClosed.abort();
    whenClosed();
  });
  return new Proxy(stdout, {
    get(target, key, receiver) {
      if (key === "write") {
        return (chunk: string | Uint8Array, ...rest: unknown[]) =>
          stdoutClosed.signal.aborted ? true : (target.write as (...args: unknown[]) => boolean)(chunk, ...rest);
      }
      const value = Reflect.get(target, key, receiver) as unknown;
      return typeof value === "function" ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}
