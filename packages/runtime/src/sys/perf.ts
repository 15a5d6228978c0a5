/**
 * perf_event_open(2) for the events BPF programs attach to. The attr is `struct perf_event_attr`
 * from include/uapi/linux/perf_event.h; we send PERF_ATTR_SIZE_VER5 (112 bytes), which every
 * kernel since 4.1 accepts, and only set what attaching BPF needs.
 */
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

/** ioctl(PERF_EVENT_IOC_ENABLE). */
export function perfEventEnable(fd: Fd): void {
  const r = door().ioctl(fd.raw, PERF_EVENT_IOC_ENABLE, 0);
  if (r < 0) throw BpfError.fromErrno("ioctl(PERF_EVENT_IOC_ENABLE)", -r, fd.label);
}
