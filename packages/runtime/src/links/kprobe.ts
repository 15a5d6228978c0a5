/**
 * Kernel probes ("kprobe/<function>", "kretprobe/<function>") through the kprobe PMU, as libbpf
 * attaches them: perf_event_open with the PMU's dynamic type, the function name's address in
 * config1 (and the retprobe bit in config for kretprobes), then a BPF link on that event
 * (kernel 5.15). On a kernel without kprobes, attaching says so as a NotSupportedError instead
 * of the bare ENOENT the kernel gives.
 */
import { BpfError, NotSupportedError, ObjectError } from "../errors.js";
import { bpfFailure, Cmd, linkCreateRaw } from "../sys/bpf.js";
import { Errno } from "../sys/errno.js";
import { Fd } from "../sys/fd.js";
import { pathExists, readTextFile } from "../sys/files.js";
import { perfEventEnable, perfEventOpen } from "../sys/perf.js";
import { readTracefsFile } from "../sys/tracefs.js";
import { AttachType } from "../load/types.js";
import { Link } from "./link.js";

const PMU = "/sys/bus/event_source/devices/kprobe";

/** Why this kernel cannot attach kprobes, or undefined when it can. */
export function kprobesUnavailableReason(): string | undefined {
  if (pathExists(`${PMU}/type`)) return undefined;
  let events = false;
  try {
    events = readTracefsFile("kprobe_events") !== undefined;
  } catch {
    events = false;
  }
  if (!events) {
    return "the kernel has no kprobes (no kprobe PMU in /sys/bus/event_source/devices and no kprobe_events in tracefs: CONFIG_KPROBES/CONFIG_KPROBE_EVENTS are off)";
  }
  return "the kernel has kprobe_events but no kprobe PMU (Linux before 4.17), which tsbpf attaches through";
}

/** The retprobe bit of the PMU's config ("config:0" in format/retprobe). */
function retprobeBit(): number {
  const format = readTextFile(`${PMU}/format/retprobe`) ?? "config:0";
  return Number(/config:(\d+)/.exec(format)?.[1] ?? 0);
}

/** Attaches a kprobe program to `target` ("function" or "function+offset"). Kernel 5.15. */
export function attachKprobe(program: string, progFd: number, target: string, retprobe: boolean): Link {
  const kind = retprobe ? "kretprobe" : "kprobe";
  const what = `${kind}/${target}`;
  if (!target) throw new ObjectError(`a ${kind} section names the function (e.g. ${kind}/do_unlinkat)`, { section: kind });
  const reason = kprobesUnavailableReason();
  if (reason) {
    throw new NotSupportedError(`attaching ${program} to ${what}`, reason, { remedy: "use a tracepoint, raw_tp or tp_btf hook instead, or a kernel with kprobes" });
  }
  const [fn, offsetText] = target.split("+");
  const offset = offsetText ? Number.parseInt(offsetText, offsetText.startsWith("0x") ? 16 : 10) : 0;
  const type = Number.parseInt(readTextFile(`${PMU}/type`)!.trim(), 10);
  let perf: Fd;
  try {
    perf = perfEventOpen({
      type,
      config: retprobe ? 1n << BigInt(retprobeBit()) : 0n,
      config1: new TextEncoder().encode(`${fn}\0`),
      config2: offset,
      samplePeriod: 0,
      wakeupEvents: 0,
      label: `perf event ${what}`,
    });
  } catch (error) {
    if (error instanceof BpfError && (error.errno === Errno.ENOENT || error.errno === Errno.EINVAL)) {
      throw new BpfError(`cannot probe ${fn}: the kernel has no such function, or it cannot be probed (inlined, notrace or blacklisted)`, {
        errno: error.errno,
        syscall: "perf_event_open",
        cause: error,
      });
    }
    throw error;
  }
  try {
    const r = linkCreateRaw({ progFd, targetFd: perf.raw, attachType: AttachType.PERF_EVENT });
    if (r < 0) throw bpfFailure(Cmd.LINK_CREATE, -r, `${program} on ${what}`);
    const link = new Fd(r, `link ${program} → ${what}`);
    perfEventEnable(perf);
    return new Link(program, what, link, [perf]);
  } catch (error) {
    perf.close();
    throw error;
  }
}
