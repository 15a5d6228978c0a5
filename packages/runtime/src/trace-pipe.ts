/**
 * `tracePipe()`: bpf_printk output as an async iterable of parsed lines, from a private tracefs
 * instance (sys/trace-instance.ts) where the kernel allows one, else the shared trace_pipe. The
 * pipe is opened O_NONBLOCK through the door and read when epoll says it is readable: no blocking
 * read ever occupies a libuv thread-pool thread.
 */
import { BpfError } from "./errors.js";
import type { Watch } from "./sys/door.js";
import { Errno } from "./sys/errno.js";
import { O_NONBLOCK, O_RDONLY, openFile, readSome } from "./sys/files.js";
import { watchReadable } from "./sys/memory.js";
import { openPrintkInstance } from "./sys/trace-instance.js";
import { tracefsRoot } from "./sys/tracefs.js";
import { eventLoopTurns } from "./events/event-loop-turns.js";
import "./sys/native.js";

export interface TraceLine {
  /** The task's command name (may contain spaces and dashes). */
  comm: string;
  pid: number;
  cpu: number;
  /** Seconds since boot, as the trace clock prints it. */
  timestamp: number;
  /** The event's name ("bpf_trace_printk" for bpf_printk). */
  event: string;
  /** The text after the event name. */
  message: string;
  /** The whole line. */
  raw: string;
}

export interface TracePipeOptions {
  /** Stops reading (the iteration ends) when aborted. */
  signal?: AbortSignal;
  /**
   * Read the machine's top-level trace_pipe instead of a private instance: every event recorded
   * there (not only bpf_printk), lines left unread before this reader opened it included, and
   * shared with every other reader (reading consumes). The default, false, falls back to it only
   * where a private instance cannot be made (Linux before 5.9, or no write access to tracefs).
   */
  shared?: boolean;
}

// "  <comm>-<pid>  [<cpu>] <flags> <timestamp>: <event>: <message>"; flags ("d..31", "....") are optional on old kernels.
const lineFormat = /^\s*(.+)-(\d+)\s+\[(\d+)\]\s+(?:\S+\s+)?(\d+\.\d+):\s+([^:]+):\s?(.*)$/;

/** Parses one trace_pipe line; undefined for lines that are not events. */
export function parseTraceLine(raw: string): TraceLine | undefined {
  const m = lineFormat.exec(raw);
  if (!m) return undefined;
  return {
    comm: m[1]!.trim(),
    pid: Number(m[2]),
    cpu: Number(m[3]),
    timestamp: Number(m[4]),
    event: m[5]!.trim(),
    message: m[6]!,
    raw,
  };
}

/**
 * bpf_printk lines as they come (mounting tracefs if needed), from the moment iteration starts
 * (the first `next()`, as a generator's body runs then): each reader has its own tracefs
 * instance (instances/tsbpf-<pid>-<n>, removed when the iteration ends or the process exits), so
 * concurrent readers each see every line, and lines printed before it are not delivered. With
 * `shared: true`, or where no instance can be made, the lines come from the top-level trace_pipe,
 * which all readers on the machine share.
 * Needs root (or write access to tracefs). Private instances need Linux 5.9.
 */
export async function* tracePipe(options: TracePipeOptions = {}): AsyncGenerator<TraceLine> {
  const { signal } = options;
  if (signal?.aborted) return;
  const instance = options.shared ? undefined : openPrintkInstance();
  const path = `${instance?.dir ?? tracefsRoot()}/trace_pipe`;
  let fd;
  try {
    fd = openFile(path, O_RDONLY | O_NONBLOCK);
  } catch (error) {
    instance?.close();
    throw error;
  }
  instance?.adopt(fd);
  let watch: Watch | undefined;
  let wake: (() => void) | undefined;
  const onAbort = () => wake?.();
  signal?.addEventListener("abort", onAbort, { once: true });
  try {
    const buffer = new Uint8Array(64 * 1024);
    const decoder = new TextDecoder();
    let pending = "";
    const turn = eventLoopTurns();
    while (!signal?.aborted) {
      const n = readSome(fd, buffer);
      if (n === -Errno.EAGAIN || n === 0) {
        // Nothing now: wait for epoll (the watch is level-triggered, so only keep it while waiting).
        await new Promise<void>((resolve) => {
          wake = resolve;
          watch = watchReadable(fd.raw, "trace_pipe", () => resolve());
        });
        watch?.close();
        watch = undefined;
        wake = undefined;
        continue;
      }
      if (n < 0) {
        if (n === -Errno.EINTR) continue;
        throw BpfError.fromErrno("read", -n, path);
      }
      pending += decoder.decode(buffer.subarray(0, n), { stream: true });
      const lines = pending.split("\n");
      pending = lines.pop() ?? "";
      for (const raw of lines) {
        const line = parseTraceLine(raw);
        if (line) yield line;
        await turn();
        if (signal?.aborted) return;
      }
    }
  } finally {
    signal?.removeEventListener("abort", onAbort);
    watch?.close();
    fd.close();
    instance?.close();
  }
}
