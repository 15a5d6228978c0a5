/**
 * Classic tracepoints ("tracepoint/<category>/<name>", "tp/…"): the tracepoint's id from tracefs,
 * a perf event on it (PERF_TYPE_TRACEPOINT, every process, CPU 0 — the program runs on every CPU
 * regardless), and a BPF link on that event (BPF_LINK_CREATE with BPF_PERF_EVENT, kernel 5.15).
 */
import { BpfError, NotSupportedError, ObjectError } from "../errors.js";
import { linkCreateRaw, bpfFailure, Cmd } from "../sys/bpf.js";
import { Fd } from "../sys/fd.js";
import { perfEventEnable, perfEventOpen, PerfType } from "../sys/perf.js";
import { tracepointId } from "../sys/tracefs.js";
import { Errno } from "../sys/errno.js";
import { AttachType } from "../load/types.js";
import { Link } from "./link.js";

/** Attaches program `progFd` to tracepoint `category/name`. Kernel 5.15 (BPF links on perf events). */
export function attachTracepoint(program: string, progFd: number, target: string, section = `tracepoint/${target}`): Link {
  const [category, name, ...rest] = target.split("/");
  if (!category || !name || rest.length) {
    throw new ObjectError(`a tracepoint section names <category>/<name> (e.g. tracepoint/syscalls/sys_enter_write), got "${target}"`, { section });
  }
  const id = tracepointId(category, name);
  if (id === undefined) {
    throw new BpfError(`tracepoint ${category}/${name} does not exist on this kernel (no events/${category}/${name}/id in tracefs; see available_events)`, {
      errno: Errno.ENOENT,
      syscall: "open",
    });
  }
  const perf = perfEventOpen({ type: PerfType.TRACEPOINT, config: id, samplePeriod: 1, wakeupEvents: 1, label: `perf event tracepoint ${category}/${name}` });
  try {
    const r = linkCreateRaw({ progFd, targetFd: perf.raw, attachType: AttachType.PERF_EVENT });
    if (r < 0) {
      if (r === -Errno.EINVAL || r === -Errno.EOPNOTSUPP) {
        throw new NotSupportedError("BPF links on perf events", `BPF_LINK_CREATE(BPF_PERF_EVENT) failed with ${r === -Errno.EINVAL ? "EINVAL" : "EOPNOTSUPP"}`, {
          remedy: "needs Linux 5.15 or later",
          errno: -r,
          syscall: "BPF_LINK_CREATE",
        });
      }
      throw bpfFailure(Cmd.LINK_CREATE, -r, `${program} on tracepoint ${category}/${name}`);
    }
    const link = new Fd(r, `link ${program} → tracepoint/${category}/${name}`);
    perfEventEnable(perf);
    return new Link(program, `tracepoint/${category}/${name}`, link, [perf]);
  } catch (error) {
    perf.close();
    throw error;
  }
}
