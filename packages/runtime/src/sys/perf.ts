/**
 * perf_event_open(2) for the events BPF programs attach to. The attr is `struct perf_event_attr`
 * from include/uapi/linux/perf_event.h; we send PERF_ATTR_SIZE_VER5 (112 bytes), which every
 * kernel since 4.1 accepts, and only set what attaching BPF needs.
 */
import { readSync } from "node:fs";
import { BpfError, PermissionError } from "../errors.js";
import { Attr } from "./attr.js";
import { missingCapability } from "./capabilities.js";
import { door } from "./door.js";
import { Errno } from "./errno.js";
import { Fd } from "./fd.js";

export const PerfType = { HARDWARE: 0, SOFTWARE: 1, TRACEPOINT: 2, HW_CACHE: 3, RAW: 4, BREAKPOINT: 5 } as const;

const ATTR_SIZE = 112;
export const PERF_FLAG_FD_CLOEXEC = 1 << 3;
/** _IO('$', 0) and _IO('$', 1). */
export const PERF_EVENT_IOC_ENABLE = 0x2400;
export const PERF_EVENT_IOC_DISABLE = 0x2401;

export interface PerfEventOptions {
  type: number;
  config: bigint | number;
  /** A number, or a buffer whose address goes in (kprobe PMU: the function name). */
  config1?: bigint | number | Uint8Array;
  config2?: bigint | number;
  samplePeriod?: bigint | number;
  /** Samples per second instead of a period (sets the `freq` bit). */
  sampleFrequency?: bigint | number;
  /** PERF_SAMPLE_* bits (perf buffers: PERF_SAMPLE_RAW). */
  sampleType?: bigint | number;
  /** PERF_FORMAT_* bits: what read(2) of the descriptor returns (perfEventReadCounter). */
  readFormat?: bigint | number;
  wakeupEvents?: number;
  /** -1 for every process. */
  pid?: number;
  cpu?: number;
  disabled?: boolean;
  label?: string;
}

/** Opens a perf event and returns its descriptor. */
export function perfEventOpen(o: PerfEventOptions): Fd {
  const attr = new Attr(ATTR_SIZE)
    .u32(0, o.type)
    .u32(4, ATTR_SIZE)
    .u64(8, o.config)
    .u64(16, o.sampleFrequency ?? o.samplePeriod ?? 1)
    .u64(24, o.sampleType ?? 0)
    .u64(32, o.readFormat ?? 0)
    // the flags bitfield: bit 0 is `disabled`, bit 10 `freq`
    .u64(40, (o.disabled ? 1n : 0n) | (o.sampleFrequency !== undefined ? 1n << 10n : 0n))
    .u32(48, o.wakeupEvents ?? 1)
    .u64(64, o.config2 ?? 0);
  if (o.config1 instanceof Uint8Array) attr.pointer(56, o.config1);
  else attr.u64(56, o.config1 ?? 0);
  const r = door().perfEventOpen(attr.bytes, o.pid ?? -1, o.cpu ?? 0, -1, PERF_FLAG_FD_CLOEXEC);
  const label = o.label ?? `perf event ${o.type}:${o.config}`;
  if (r < 0) {
    if ((-r === Errno.EPERM || -r === Errno.EACCES) && missingCapability("CAP_PERFMON")) {
      throw new PermissionError(`perf_event_open (${label})`, "CAP_PERFMON", { errno: -r, syscall: "perf_event_open" });
    }
    throw BpfError.fromErrno("perf_event_open", -r, label);
  }
  return new Fd(r, label);
}

export const PERF_COUNT_SW_BPF_OUTPUT = 10;
export const PERF_SAMPLE_RAW = 1 << 10;

/** PERF_FORMAT_TOTAL_TIME_ENABLED | PERF_FORMAT_TOTAL_TIME_RUNNING: read(2) gives { value, enabled, running }. */
export const PERF_FORMAT_TIMES = 1 | 2;
const EIO = 5;

/** A counter's value and the nanoseconds it was enabled and running, as the kernel counts them. */
export interface PerfCounterReading {
  counter: bigint;
  enabled: bigint;
  running: bigint;
}

/**
 * read(2) of a counting perf event opened with `readFormat: PERF_FORMAT_TIMES`. A plain file read
 * (node:fs on the descriptor), not a call through the shim.
 */
export function perfEventReadCounter(fd: Fd): PerfCounterReading {
  const out = new Uint8Array(24);
  let n: number;
  try {
    n = readSync(fd.raw, out, 0, 24, null);
  } catch (error) {
    const errno = typeof (error as { errno?: unknown }).errno === "number" ? -(error as { errno: number }).errno : EIO;
    throw BpfError.fromErrno("read", errno, fd.label);
  }
  if (n !== 24) throw BpfError.fromErrno("read", EIO, `${fd.label} (read ${n} of 24 bytes)`);
  const view = new DataView(out.buffer);
  return { counter: view.getBigUint64(0, true), enabled: view.getBigUint64(8, true), running: view.getBigUint64(16, true) };
}

/** ioctl(PERF_EVENT_IOC_ENABLE). */
export function perfEventEnable(fd: Fd): void {
  const r = door().ioctl(fd.raw, PERF_EVENT_IOC_ENABLE, 0);
  if (r < 0) throw BpfError.fromErrno("ioctl(PERF_EVENT_IOC_ENABLE)", -r, fd.label);
}
