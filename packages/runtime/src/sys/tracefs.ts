/**
 * tracefs: where tracepoint ids, kprobe_events and trace_pipe live. Mounted on demand when the
 * process may (root), since a fresh container often has /sys/kernel/tracing empty.
 */
import { BpfError, NotSupportedError, PermissionError } from "../errors.js";
import { door } from "./door.js";
import { Errno } from "./errno.js";
import { pathExists, readTextFile } from "./files.js";

const candidates = ["/sys/kernel/tracing", "/sys/kernel/debug/tracing"];
let cached: string | undefined;

/** The tracefs mount point, mounting it at /sys/kernel/tracing when needed. Throws NotSupportedError if there is none. */
export function tracefsRoot(): string {
  if (cached) return cached;
  for (const dir of candidates) {
    if (pathExists(`${dir}/events`)) return (cached = dir);
  }
  const target = candidates[0]!;
  if (!pathExists(target)) {
    throw new NotSupportedError("tracefs", `${target} does not exist (a kernel without CONFIG_TRACING?)`);
  }
  const r = door().mount("tracefs", target, "tracefs", 0);
  if (r === -Errno.EPERM) {
    throw new PermissionError(`mounting tracefs at ${target}`, "CAP_SYS_ADMIN", { errno: -r, syscall: "mount" });
  }
  if (r < 0 && r !== -Errno.EBUSY) throw BpfError.fromErrno("mount", -r, `tracefs at ${target}`);
  if (!pathExists(`${target}/events`)) {
    throw new NotSupportedError("tracefs", `mounted tracefs at ${target} but it has no events/ directory`);
  }
  return (cached = target);
}

/** Forgets the cached mount point (tests that swap the door). */
export function resetTracefsCache(): void {
  cached = undefined;
}

/** The numeric id of tracepoint `category/name` (events/<category>/<name>/id); undefined if there is no such tracepoint. */
export function tracepointId(category: string, name: string): number | undefined {
  if (!/^[\w.-]+$/.test(category) || !/^[\w.-]+$/.test(name)) return undefined;
  const text = readTracefs(`${tracefsRoot()}/events/${category}/${name}/id`);
  if (text === undefined) return undefined;
  const id = Number.parseInt(text.trim(), 10);
  return Number.isFinite(id) ? id : undefined;
}

/** Read a file under tracefs (undefined when absent). */
export function readTracefsFile(relative: string): string | undefined {
  return readTracefs(`${tracefsRoot()}/${relative}`);
}

/**
 * A tracefs file's text. tracefs is root's alone (its root directory is mode 0700): a process
 * with CAP_BPF and CAP_PERFMON but another uid loads programs, then meets EACCES here, which is
 * a PermissionError naming what is missing rather than a bare "open failed".
 */
function readTracefs(path: string): string | undefined {
  try {
    return readTextFile(path);
  } catch (error) {
    if (error instanceof BpfError && (error.errno === Errno.EACCES || error.errno === Errno.EPERM)) {
      throw new PermissionError(`reading ${path}`, "CAP_DAC_READ_SEARCH", {
        errno: error.errno,
        syscall: "open",
        cause: error,
        detail: "tracefs is readable by root only; CAP_BPF and CAP_PERFMON do not open it",
        remedy: "run as root, or grant CAP_DAC_READ_SEARCH as well (e.g. setcap cap_bpf,cap_perfmon,cap_dac_read_search+ep on node)",
      });
    }
    throw error;
  }
}
