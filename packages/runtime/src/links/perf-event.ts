/**
 * perf_event programs: run on every sample of a perf event — software events (cpu-clock,
 * page-faults, context-switches, ...), hardware ones where the machine has a PMU — opened on
 * each CPU (or for one process), with a sample period or a frequency, each with a BPF link
 * (kernel 5.15). The returned link stands for all of them.
 */
import { BpfError, NotSupportedError } from "../errors.js";
import { Errno } from "../sys/errno.js";
import { readTextFile } from "../sys/files.js";
import { parseCpuList } from "../sys/cpus.js";
import { perfEventOpen, PerfType } from "../sys/perf.js";
import { Link } from "./link.js";
import { linkPerfEvent } from "./perf-link.js";

/** PERF_COUNT_SW_*. */
export const SoftwareEvent = {
  "cpu-clock": 0, "task-clock": 1, "page-faults": 2, "context-switches": 3, "cpu-migrations": 4,
  "minor-faults": 5, "major-faults": 6, "alignment-faults": 7, "emulation-faults": 8, dummy: 9,
} as const;

/** PERF_COUNT_HW_*. */
export const HardwareEvent = {
  "cpu-cycles": 0, instructions: 1, "cache-references": 2, "cache-misses": 3, "branch-instructions": 4,
  "branch-misses": 5, "bus-cycles": 6, "ref-cpu-cycles": 9,
} as const;

export interface PerfEventAttachOptions {
  /** A software or hardware event by name, or a raw { type, config }. */
  event: keyof typeof SoftwareEvent | keyof typeof HardwareEvent | { type: number; config: number | bigint };
  /** Sample every N events (default: 1 for software counters; use frequency for clocks). */
  samplePeriod?: number | bigint;
  /** Samples per second (instead of a period). */
  frequency?: number;
  /** CPUs to sample on (default: every online CPU). */
  cpus?: readonly number[];
  /** Only this process (with cpus undefined: on whichever CPU it runs). */
  pid?: number;
}

/** The online CPUs (/sys/devices/system/cpu/online). */
export function onlineCpus(): number[] {
  const text = readTextFile("/sys/devices/system/cpu/online") ?? "0";
  const out: number[] = [];
  for (const part of text.trim().split(",")) {
    const [lo, hi] = part.split("-").map(Number);
    for (let c = lo!; c <= (hi ?? lo!); c++) out.push(c);
  }
  return out.length ? out : Array.from({ length: parseCpuList(text) }, (_, i) => i);
}

export function eventOf(e: PerfEventAttachOptions["event"]): { type: number; config: number | bigint; name: string } {
  if (typeof e === "object") return { ...e, name: `${e.type}:${e.config}` };
  if (e in SoftwareEvent) return { type: PerfType.SOFTWARE, config: SoftwareEvent[e as keyof typeof SoftwareEvent], name: e };
  return { type: PerfType.HARDWARE, config: HardwareEvent[e as keyof typeof HardwareEvent], name: e };
}

/** Attaches a perf_event program to an event on every chosen CPU. Kernel 5.15 (perf event links). */
export function attachPerfEvent(program: string, progFd: number, options: PerfEventAttachOptions): Link {
  const event = eventOf(options.event);
  const pid = options.pid ?? -1;
  const cpus = options.cpus ?? (pid > 0 ? [-1] : onlineCpus());
  const what = `perf_event ${event.name}${options.frequency ? ` at ${options.frequency} Hz` : ` every ${options.samplePeriod ?? 1}`}${pid > 0 ? ` (pid ${pid})` : ""}`;
  const links: Link[] = [];
  try {
    for (const cpu of cpus) {
      let perf;
      try {
        perf = perfEventOpen({
          type: event.type,
          config: event.config,
          samplePeriod: options.frequency === undefined ? (options.samplePeriod ?? 1) : undefined,
          sampleFrequency: options.frequency,
          wakeupEvents: 0,
          pid,
          cpu,
          disabled: true,
          label: `perf event ${what} cpu ${cpu}`,
        });
      } catch (error) {
        if (error instanceof BpfError && error.errno === Errno.ENOENT && event.type === PerfType.HARDWARE) {
          throw new NotSupportedError(what, "the machine has no hardware PMU for this event (a virtual machine without PMU passthrough)", {
            errno: error.errno,
            syscall: "perf_event_open",
            remedy: 'sample with a software event ("cpu-clock") instead',
          });
        }
        throw error;
      }
      links.push(linkPerfEvent(program, progFd, perf, `${what} cpu ${cpu}`));
    }
  } catch (error) {
    for (const l of links) l.close();
    throw error;
  }
  return Link.group(program, what, links);
}
