/**
 * A private tracefs instance that records bpf_printk output: instances/tsbpf-<pid>-<n> with the
 * bpf_trace/bpf_trace_printk event enabled in it. The top-level trace_pipe is one buffer for the
 * whole machine, and reading consumes it: two readers split the lines between them, and a new
 * reader first gets whatever earlier runs left unread. An instance has its own buffer, which the
 * kernel writes every enabled event into as well, so each reader sees every line printed while it
 * is open, and none from before.
 *
 * Needs the bpf_trace_printk trace event (Linux 5.9; before it, bpf_printk wrote with
 * trace_printk to the top-level buffer only) and write access to tracefs (root).
 */
// Directory calls go to node:fs, not the door: they are plain synchronous file system calls on
// tracefs, which the door (bpf, perf, mmap, reads of kernel files for the fake) does not model.
import { mkdirSync, readdirSync, rmdirSync, writeFileSync } from "node:fs";
import type { Fd } from "./fd.js";
import { pathExists } from "./files.js";
import { processAlive } from "./process-alive.js";
import { tracefsRoot } from "./tracefs.js";

const prefix = "tsbpf-";
let counter = 0;
const open = new Map<string, TraceInstance>();
let exitHookInstalled = false;

export interface TraceInstance {
  /** The instance's directory; its trace_pipe holds this reader's lines. */
  readonly dir: string;
  /** Makes `fd` (the instance's trace_pipe) closed with the instance: rmdir fails while it is open. */
  adopt(fd: Fd): void;
  /** Closes the adopted files and removes the instance. Idempotent. */
  close(): void;
}

/**
 * Makes a private instance for bpf_printk lines, or returns undefined when the kernel or the
 * process cannot (no bpf_trace_printk event, no instances directory, no permission): the caller
 * then reads the shared top-level trace_pipe.
 */
export function openPrintkInstance(): TraceInstance | undefined {
  const root = tracefsRoot();
  if (!pathExists(`${root}/instances`) || !pathExists(`${root}/events/bpf_trace/bpf_trace_printk`)) return undefined;
  removeOrphans(`${root}/instances`);
  const dir = `${root}/instances/${prefix}${process.pid}-${counter++}`;
  try {
    mkdirSync(dir);
  } catch {
    return undefined;
  }
  try {
    writeFileSync(`${dir}/events/bpf_trace/bpf_trace_printk/enable`, "1");
  } catch {
    removeQuietly(dir);
    return undefined;
  }
  const files: Fd[] = [];
  const instance: TraceInstance = {
    dir,
    adopt(fd) {
      files.push(fd);
    },
    close() {
      if (!open.delete(dir)) return;
      for (const fd of files.splice(0)) fd.close();
      removeQuietly(dir);
    },
  };
  open.set(dir, instance);
  installExitHook();
  return instance;
}

/** A process killed with SIGKILL leaves its instances behind: remove those whose pid is gone. */
function removeOrphans(instances: string): void {
  let names: string[];
  try {
    names = readdirSync(instances);
  } catch {
    return;
  }
  for (const name of names) {
    const match = /^tsbpf-(\d+)-\d+$/.exec(name);
    if (!match || processAlive(Number(match[1]))) continue;
    removeQuietly(`${instances}/${name}`);
  }
}

function removeQuietly(dir: string): void {
  try {
    rmdirSync(dir);
  } catch {
    // EBUSY: a reader still has its trace_pipe open; the next open's orphan sweep retries once we are gone.
  }
}

/** Instances still open when the process exits (an iteration never finished) are removed then. */
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on("exit", () => {
    for (const instance of [...open.values()]) instance.close();
  });
}
