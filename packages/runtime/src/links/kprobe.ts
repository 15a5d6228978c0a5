/**
 * Kernel probes ("kprobe/<function>", "kretprobe/<function>"). They need a kernel with kprobes
 * (CONFIG_KPROBE_EVENTS): on one without, attaching says so as a NotSupportedError instead of
 * the bare ENOENT the kernel gives. Attaching through the kprobe PMU is the next step here.
 */
import { NotSupportedError } from "../errors.js";
import { pathExists } from "../sys/files.js";
import { readTracefsFile } from "../sys/tracefs.js";
import type { Link } from "./link.js";

/** Why this kernel cannot attach kprobes, or undefined when it can. */
export function kprobesUnavailableReason(): string | undefined {
  const pmu = pathExists("/sys/bus/event_source/devices/kprobe/type");
  let events = false;
  try {
    events = readTracefsFile("kprobe_events") !== undefined;
  } catch {
    events = false;
  }
  if (!pmu && !events) {
    return "the kernel has no kprobes (no kprobe PMU in /sys/bus/event_source/devices and no kprobe_events in tracefs: CONFIG_KPROBES/CONFIG_KPROBE_EVENTS are off)";
  }
  return undefined;
}

export function attachKprobe(program: string, _progFd: number, target: string, retprobe: boolean): Link {
  const what = `${retprobe ? "kretprobe" : "kprobe"}/${target}`;
  const reason = kprobesUnavailableReason();
  if (reason) {
    throw new NotSupportedError(`attaching ${program} to ${what}`, reason, { remedy: "use a tracepoint, raw_tp or tp_btf hook instead, or a kernel with kprobes" });
  }
  throw new NotSupportedError(`attaching ${program} to ${what}`, "tsbpf's runtime does not attach kprobes yet (the kernel has them)", {
    remedy: "use a tracepoint or raw_tp hook for now",
  });
}
