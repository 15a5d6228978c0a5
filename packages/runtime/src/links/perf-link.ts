/**
 * A BPF link on a perf event (BPF_LINK_CREATE with BPF_PERF_EVENT, kernel 5.15): what
 * tracepoints, kprobes, uprobes, USDT probes and perf_event programs all sit on. The link owns
 * the perf event: closing it closes both.
 */
import { linkCreate } from "../sys/bpf.js";
import type { Fd } from "../sys/fd.js";
import { perfEventEnable } from "../sys/perf.js";
import { AttachType } from "../load/types.js";
import { Link } from "./link.js";

/** Links `progFd` to the perf event `perf` (taking ownership of it) and enables the event. */
export function linkPerfEvent(program: string, progFd: number, perf: Fd, target: string, cookie?: bigint): Link {
  try {
    const fd = linkCreate({ progFd, targetFd: perf.raw, attachType: AttachType.PERF_EVENT, perfEventCookie: cookie }, `${program} → ${target}`);
    perfEventEnable(perf);
    return new Link(program, target, fd, [perf]);
  } catch (error) {
    perf.close();
    throw error;
  }
}
