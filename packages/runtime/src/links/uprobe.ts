/**
 * User-space probes: "uprobe/<binary>:<function>[+<offset>]", "uretprobe/…", and the multi
 * forms "uprobe.multi/<binary>:<glob>". The function is resolved to a file offset from the ELF
 * symbol tables (shared libraries too: "libc.so.6:getpid"), then
 * - single probes: a perf event of the uprobe PMU (config1 = path, config2 = offset, the
 *   retprobe bit and the semaphore's offset in config) and a BPF link on it (kernel 5.15);
 * - multi probes: one BPF_LINK_CREATE with BPF_TRACE_UPROBE_MULTI for every offset (kernel 6.6).
 * A pid limits the probe to one process (-1 or undefined: every process).
 */
import { BpfError, NotSupportedError, ObjectError } from "../errors.js";
import { Attr, cString } from "../sys/attr.js";
import { bpfFailure, Cmd, linkCreateRaw } from "../sys/bpf.js";
import { Errno } from "../sys/errno.js";
import { Fd } from "../sys/fd.js";
import { readTextFile } from "../sys/files.js";
import { perfEventOpen } from "../sys/perf.js";
import { AttachType } from "../load/types.js";
import { resolveBinary, UserElf } from "./elf-symbols.js";
import { Link } from "./link.js";
import { linkPerfEvent } from "./perf-link.js";

const PMU = "/sys/bus/event_source/devices/uprobe";
const BPF_F_UPROBE_MULTI_RETURN = 1;

export interface UprobeOptions {
  /** The executable or library: a path, a library name ("libc.so.6"), or a program in PATH. */
  binary: string;
  /** The function to probe; without one, `offset` is a file offset. */
  symbol?: string;
  /** Added to the function's offset (or the file offset itself without a symbol). */
  offset?: number | bigint;
  /** Only this process (default: every process that runs the binary). */
  pid?: number;
  /** Fire on return instead of entry. */
  retprobe?: boolean;
  /** What bpf_get_attach_cookie() returns in the program. */
  cookie?: bigint;
  /** File offset of a USDT semaphore the kernel increments while the probe is attached (kernel 4.20). */
  refCtrOffset?: bigint;
}

/** "path:function+offset" (as a section names it) into its parts. */
export function parseUprobeTarget(target: string, section: string): { binary: string; symbol?: string; offset?: bigint } {
  const colon = target.lastIndexOf(":");
  if (colon <= 0) throw new ObjectError("a uprobe section names binary:function (e.g. uprobe//usr/bin/bash:readline)", { section });
  const binary = target.slice(0, colon);
  const [symbol, offset] = target.slice(colon + 1).split("+");
  if (!symbol && !offset) throw new ObjectError("the uprobe section names no function", { section });
  if (symbol && /^(0x[0-9a-f]+|\d+)$/i.test(symbol) && !offset) return { binary, offset: BigInt(symbol) };
  return { binary, symbol: symbol || undefined, offset: offset ? BigInt(offset) : undefined };
}

function pmuConfigBit(name: string, fallback: number): number {
  const format = readTextFile(`${PMU}/format/${name}`);
  return Number(/config:(\d+)/.exec(format ?? "")?.[1] ?? fallback);
}

function uprobeType(what: string): number {
  const type = readTextFile(`${PMU}/type`);
  if (!type) throw new NotSupportedError(what, "the kernel has no uprobe PMU (CONFIG_UPROBE_EVENTS off, or Linux before 4.17)", { remedy: "use a kernel with uprobes" });
  return Number.parseInt(type.trim(), 10);
}

/** The file offset a probe on `options` goes to, and the binary's resolved path. */
export function resolveUprobe(options: Pick<UprobeOptions, "binary" | "symbol" | "offset" | "pid">): { path: string; offset: bigint } {
  const path = resolveBinary(options.binary, options.pid);
  const extra = BigInt(options.offset ?? 0);
  if (!options.symbol) return { path, offset: extra };
  return { path, offset: UserElf.open(path).symbolOffset(options.symbol, options.pid) + extra };
}

/** Attaches a uprobe or uretprobe program. Kernel 5.15 (links on perf events); refCtrOffset 4.20. */
export function attachUprobe(program: string, progFd: number, options: UprobeOptions): Link {
  const kind = options.retprobe ? "uretprobe" : "uprobe";
  const { path, offset } = resolveUprobe(options);
  const what = `${kind}/${path}:${options.symbol ?? ""}${options.offset ? `+${options.offset}` : ""}${options.pid && options.pid > 0 ? ` (pid ${options.pid})` : ""}`;
  let config = options.retprobe ? 1n << BigInt(pmuConfigBit("retprobe", 0)) : 0n;
  if (options.refCtrOffset) config |= options.refCtrOffset << BigInt(pmuConfigBit("ref_ctr_offset", 32));
  const pid = options.pid !== undefined && options.pid > 0 ? options.pid : -1;
  let perf: Fd;
  try {
    perf = perfEventOpen({
      type: uprobeType(what),
      config,
      config1: cString(path),
      config2: offset,
      samplePeriod: 0,
      wakeupEvents: 0,
      pid,
      cpu: pid === -1 ? 0 : -1,
      label: `perf event ${what}`,
    });
  } catch (error) {
    if (error instanceof BpfError && error.errno === Errno.ESRCH) throw new BpfError(`cannot probe ${what}: no process ${pid}`, { errno: error.errno, syscall: "perf_event_open", cause: error });
    throw error;
  }
  return linkPerfEvent(program, progFd, perf, what, options.cookie);
}

export interface UprobeMultiOptions {
  binary: string;
  /** Function names; or */
  symbols?: readonly string[];
  /** a glob over the binary's function names ("tsbpf_*"); or */
  pattern?: string;
  /** file offsets. */
  offsets?: readonly bigint[];
  /** bpf_get_attach_cookie() per probe, in the same order. */
  cookies?: readonly bigint[];
  pid?: number;
  retprobe?: boolean;
}

function u64Array(values: readonly bigint[]): Uint8Array {
  const out = new BigUint64Array(values.length);
  values.forEach((v, i) => (out[i] = v));
  return new Uint8Array(out.buffer);
}

/** Attaches one program to many places of one binary in one link. Kernel 6.6 (BPF_TRACE_UPROBE_MULTI). */
export function attachUprobeMulti(program: string, progFd: number, options: UprobeMultiOptions): Link {
  const kind = options.retprobe ? "uretprobe.multi" : "uprobe.multi";
  const path = resolveBinary(options.binary, options.pid);
  let offsets = options.offsets ? [...options.offsets] : [];
  if (options.symbols || options.pattern) {
    const elf = UserElf.open(path);
    if (options.symbols) offsets = options.symbols.map((s) => elf.symbolOffset(s, options.pid));
    else offsets = elf.matchFunctions(options.pattern!).map((m) => m.offset);
  }
  const what = `${kind}/${path}:${options.pattern ?? options.symbols?.join(",") ?? `${offsets.length} offsets`}`;
  if (offsets.length === 0) throw new BpfError(`${what} matches no function`);
  if (options.cookies && options.cookies.length !== offsets.length) throw new BpfError(`${what}: ${options.cookies.length} cookies for ${offsets.length} probes`);
  const pathBytes = cString(path);
  const offsetBytes = u64Array(offsets);
  const cookieBytes = options.cookies ? u64Array([...options.cookies]) : undefined;
  const r = linkCreateRaw({
    progFd,
    targetFd: 0,
    attachType: AttachType.TRACE_UPROBE_MULTI,
    tail: (attr: Attr) =>
      attr
        .pointer(16, pathBytes)
        .pointer(24, offsetBytes)
        .pointer(40, cookieBytes)
        .u32(48, offsets.length)
        .u32(52, options.retprobe ? BPF_F_UPROBE_MULTI_RETURN : 0)
        .u32(56, options.pid !== undefined && options.pid > 0 ? options.pid : 0),
  });
  if (r === -Errno.EINVAL || r === -Errno.EOPNOTSUPP || r === -Errno.ENOTSUPP) {
    throw new NotSupportedError(`attaching ${program} as ${what}`, `the kernel refused BPF_TRACE_UPROBE_MULTI (${r === -Errno.EINVAL ? "EINVAL: no uprobe_multi links, or the program was not loaded as uprobe.multi" : "EOPNOTSUPP"})`, {
      errno: -r,
      syscall: "BPF_LINK_CREATE",
      remedy: "needs Linux 6.6 and a uprobe.multi section; attach single uprobes instead",
    });
  }
  if (r < 0) throw bpfFailure(Cmd.LINK_CREATE, -r, `${program} → ${what}`);
  return new Link(program, what, new Fd(r, `link ${program} → ${what}`));
}
