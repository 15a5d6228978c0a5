/**
 * Kernel probes ("kprobe/<function>", "kretprobe/<function>") through the kprobe PMU, as libbpf
 * attaches them: perf_event_open with the PMU's dynamic type, the function name's address in
 * config1 (and the retprobe bit in config for kretprobes), then a BPF link on that event
 * (kernel 5.15). On a kernel without kprobes, attaching says so as a NotSupportedError instead
 * of the bare ENOENT the kernel gives. "kprobe.multi/<glob>" and "kretprobe.multi/<glob>" attach
 * one program to many functions in one BPF_TRACE_KPROBE_MULTI link (5.18).
 */
import { BpfError, NotSupportedError, ObjectError } from "../errors.js";
import { type Attr, cString } from "../sys/attr.js";
import { bpfFailure, Cmd, linkCreateRaw } from "../sys/bpf.js";
import { door } from "../sys/door.js";
import { Errno, errnoName } from "../sys/errno.js";
import { Fd } from "../sys/fd.js";
import { pathExists, readTextFile } from "../sys/files.js";
import { perfEventEnable, perfEventOpen } from "../sys/perf.js";
import { readTracefsFile } from "../sys/tracefs.js";
import { AttachType } from "../load/types.js";
import { globRegExp } from "./elf-symbols.js";
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

const BPF_F_KPROBE_MULTI_RETURN = 1;
/** Buffers the kernel reads through pointers nested in an attribute, kept alive during the call. */
const inFlight = new Set<Uint8Array>();

export interface KprobeMultiOptions {
  /** A glob over the kernel's traceable functions (available_filter_functions): "do_unlink*"; or */
  pattern?: string;
  /** function names. */
  symbols?: readonly string[];
  /** bpf_get_attach_cookie() per function, in the order of `symbols` (or of the matches, sorted). */
  cookies?: readonly bigint[];
  retprobe?: boolean;
}

/**
 * The traceable kernel functions matching `pattern` (sorted, each once), from tracefs's
 * available_filter_functions as libbpf finds them; a pattern without `*` or `?` is a name.
 */
function traceableFunctions(pattern: string): string[] {
  if (!/[*?]/.test(pattern)) return [pattern];
  const re = globRegExp(pattern);
  let listing: string | undefined;
  try {
    listing = readTracefsFile("available_filter_functions");
  } catch (error) {
    // A locked-down kernel refuses to list them (EPERM), even to root.
    throw new NotSupportedError(`matching kernel functions against ${pattern}`, `available_filter_functions cannot be read: ${(error as Error).message}`, { remedy: "pass the function names as `symbols`" });
  }
  const names = new Set<string>();
  for (const line of (listing ?? "").split("\n")) {
    const name = line.split(/\s/)[0];
    if (name && re.test(name)) names.add(name);
  }
  return [...names].sort();
}

/**
 * Attaches one kprobe.multi/kretprobe.multi program to many kernel functions in one link
 * (BPF_TRACE_KPROBE_MULTI through fprobe: Linux 5.18, CONFIG_FPROBE), with the names passed as
 * `syms` for the kernel to resolve. The section's target ("kprobe.multi/<glob>") is the default
 * pattern.
 */
export function attachKprobeMulti(program: string, progFd: number, options: KprobeMultiOptions): Link {
  const kind = options.retprobe ? "kretprobe.multi" : "kprobe.multi";
  const symbols = options.symbols ? [...options.symbols] : options.pattern ? traceableFunctions(options.pattern) : [];
  const what = `${kind}/${options.pattern ?? symbols.join(",")}`;
  if (symbols.length === 0) throw new BpfError(`${what} matches no traceable kernel function (available_filter_functions)`);
  if (options.cookies && options.cookies.length !== symbols.length) throw new BpfError(`${what}: ${options.cookies.length} cookies for ${symbols.length} functions`);
  // syms is an array of pointers to C strings: all of them in one buffer, held by `inFlight`
  // (a strong reference) until the call returns.
  const strings = cString(symbols.join("\0"));
  const base = door().addressOf(strings);
  const syms = new BigUint64Array(symbols.length);
  for (let i = 0, at = 0; i < symbols.length; at += new TextEncoder().encode(symbols[i]!).length + 1, i++) syms[i] = base + BigInt(at);
  const cookies = options.cookies ? new BigUint64Array(options.cookies) : undefined;
  inFlight.add(strings);
  let r: number;
  try {
    r = linkCreateRaw({
      progFd,
      targetFd: 0,
      attachType: AttachType.TRACE_KPROBE_MULTI,
      tail: (attr: Attr) =>
        attr
          .u32(16, options.retprobe ? BPF_F_KPROBE_MULTI_RETURN : 0)
          .u32(20, symbols.length)
          .pointer(24, new Uint8Array(syms.buffer))
          .pointer(40, cookies && new Uint8Array(cookies.buffer)),
    });
  } finally {
    inFlight.delete(strings);
  }
  if (r === -Errno.EOPNOTSUPP || r === -Errno.ENOTSUPP || r === -Errno.EINVAL) {
    throw new NotSupportedError(`attaching ${program} as ${what}`, `the kernel refused BPF_TRACE_KPROBE_MULTI (${errnoName(-r)}: no fprobe/kprobe.multi support, or the program was not loaded as kprobe.multi)`, {
      errno: -r,
      syscall: "BPF_LINK_CREATE",
      remedy: "needs Linux 5.18 with CONFIG_FPROBE and a kprobe.multi section; attach single kprobes instead",
    });
  }
  if (r < 0) throw bpfFailure(Cmd.LINK_CREATE, -r, `${program} → ${what}`);
  return new Link(program, what, new Fd(r, `link ${program} → ${what}`));
}
