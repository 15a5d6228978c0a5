/**
 * `attachProgram`: one entry point that attaches a loaded program to the hook its section names,
 * with what that hook needs besides (an interface, a cgroup, a binary, an event...). Each hook's
 * own file does the work; this only routes. `BpfProgram.attach(options)` calls it.
 */
import { NotSupportedError } from "../errors.js";
import type { Fd } from "../sys/fd.js";
import type { ProgramKind } from "../load/sections.js";
import { AttachType, ProgType, progTypeName } from "../load/types.js";
import { attachCgroup } from "./cgroup.js";
import { attachFlowDissector } from "./flow-dissector.js";
import { attachIter } from "./iter.js";
import { attachKprobe, attachKprobeMulti } from "./kprobe.js";
import { syscallFunction } from "./ksyscall.js";
import type { Link } from "./link.js";
import { attachPerfEvent, type PerfEventAttachOptions } from "./perf-event.js";
import { attachRawTracepoint, attachTracing } from "./raw-tracepoint.js";
import { attachSocketFilter } from "./socket-filter.js";
import { attachSockMap } from "./sockmap.js";
import { attachSkLookup } from "./sk-lookup.js";
import { attachSkReuseport } from "./sk-reuseport.js";
import type { CgroupIterOrderName } from "./iter.js";
import { attachLwt, type LwtHook } from "./lwt.js";
import { attachTcAction } from "./tc-action.js";
import { attachLirc } from "./lirc.js";
import { attachTc } from "./tc.js";
import { attachTcx, type TcDirection } from "./tcx.js";
import { attachTracepoint } from "./tracepoint.js";
import { attachUprobe, attachUprobeMulti, parseUprobeTarget } from "./uprobe.js";
import { attachUsdt, parseUsdtTarget, USDT_SPECS_MAP, type UsdtSpecsMap } from "./usdt.js";
import { attachXdp, type XdpMode } from "./xdp.js";

/**
 * What a hook needs besides its section name. Only the fields of the program's hook matter:
 * - uprobe/uretprobe: `binary` + `symbol` (+ `offset`), `pid`, `cookie` (default: from the section);
 *   uprobe.multi: `binary` + `symbols` | `pattern` | `offsets`;
 * - kprobe/kretprobe: `function` ("do_unlinkat", "fn+0x10"; default: the section's); ksyscall/kretsyscall:
 *   `syscall` ("openat"; default: the section's), resolved to the architecture's function (ksyscall.ts);
 * - tracepoint: `tracepoint` ("syscalls/sys_enter_openat" or bcc's "syscalls:sys_enter_openat"; default: the section's);
 *   raw_tp, raw_tp.w: `tracepoint` ("sched_switch"; default: the section's);
 * - kprobe.multi/kretprobe.multi: `symbols` | `pattern` (default: the section's glob), `cookies`;
 * - usdt: `binary`, `provider`, `name` (default: from the section), `pid`, `cookie`;
 * - perf_event: `event`, `frequency` | `samplePeriod`, `cpus`, `pid`;
 * - xdp: `interface`, `mode`, `netns`;  tc/tcx: `interface`, `direction` (default: from the section), `netns`;
 * - socket: `socket`;  cgroup hooks (sock_ops too): `cgroup`;  flow_dissector: `netns`;  iter over a map: `map`;
 * - sk_skb, sk_msg: `map` (the sockmap or sockhash whose sockets they run on);  sk_lookup: `netns`;
 * - sk_reuseport: `socket` (any socket of the SO_REUSEPORT group).
 * - lwt_in/lwt_out/lwt_xmit: `route` + `interface` (+ `gateway`, `headroom`, `netns`): a new route with the program as its encapsulation;
 * - lirc_mode2: `device` ("/dev/lirc0");
 * - action (sched_act): `interface`, `direction` (+ `priority`, `handle`, `netns`): a matchall filter with the program as its action.
 */
export interface AttachOptions extends Partial<Omit<PerfEventAttachOptions, "event">> {
  /** kprobe/kretprobe: the kernel function (bcc's `attach_kprobe(event=…)`), "name" or "name+offset". */
  function?: string;
  /** ksyscall/kretsyscall: the system call ("openat"), probed at the architecture's function for it. */
  syscall?: string;
  /** tracepoint: "category/name" (or "category:name", as bcc writes it). */
  tracepoint?: string;
  binary?: string;
  symbol?: string;
  symbols?: readonly string[];
  pattern?: string;
  offset?: number | bigint;
  offsets?: readonly bigint[];
  cookie?: bigint;
  /** kprobe.multi: bpf_get_attach_cookie() per function, in the order of `symbols` (or of the sorted matches). */
  cookies?: readonly bigint[];
  provider?: string;
  name?: string;
  event?: PerfEventAttachOptions["event"];
  interface?: string | number;
  mode?: XdpMode;
  direction?: TcDirection;
  /** Classic tc: the filter's priority (default 1; lower runs first). */
  priority?: number;
  /** Classic tc: the filter's handle (default 1), as libbpf's `bpf_tc_opts.handle` / tc's `handle`. */
  handle?: number;
  netns?: string;
  socket?: number | Fd;
  cgroup?: string | Fd;
  map?: Fd | number;
  /** iter/cgroup: the walk from `cgroup` (default "descendantsPre"). */
  order?: CgroupIterOrderName;
  /** lwt_in/out/xmit: the destination of the route that carries the program ("10.0.0.2/32", "fd00::/64"). */
  route?: string;
  /** lwt_in/out/xmit: the route's next hop (default: the destination is on the link). */
  gateway?: string;
  /** lwt_xmit: bytes the program may push in front of the packet (at most 256). */
  headroom?: number;
  /** lirc_mode2: the LIRC device ("/dev/lirc0"). */
  device?: string;
}

export interface AttachContext {
  program: string;
  progFd: number;
  section: string;
  kind: ProgramKind;
  /** The object's USDT spec map, when it has one. */
  usdtSpecs?: UsdtSpecsMap;
}

function need<T>(value: T | undefined, what: string, ctx: AttachContext): T {
  if (value === undefined) throw new NotSupportedError(`attaching ${ctx.program} (${ctx.section})`, `this hook needs ${what}`, { remedy: `pass { ${what.split(" ")[0]} } to attach()` });
  return value;
}

export function attachProgram(ctx: AttachContext, o: AttachOptions = {}): Link {
  const { program, progFd, section, kind } = ctx;
  const { hook, target } = kind;
  switch (hook) {
    case "tracepoint":
      return attachTracepoint(program, progFd, need(o.tracepoint?.replace(":", "/") ?? (target || undefined), 'tracepoint ("category/name")', ctx), section);
    case "raw_tracepoint":
      return attachRawTracepoint(program, progFd, o.tracepoint ?? target, section, kind.progType === ProgType.RAW_TRACEPOINT_WRITABLE);
    case "kprobe":
    case "kretprobe":
      if (kind.expectedAttachType === AttachType.TRACE_KPROBE_MULTI) {
        return attachKprobeMulti(program, progFd, { symbols: o.symbols, pattern: o.pattern ?? (o.symbols ? undefined : target), cookies: o.cookies, retprobe: hook === "kretprobe" });
      }
      if (/^k(ret)?syscall(\/|$)/.test(section)) {
        return attachKprobe(program, progFd, syscallFunction(need(o.syscall ?? (target || undefined), 'syscall (e.g. "openat")', ctx)), hook === "kretprobe");
      }
      return attachKprobe(program, progFd, need(o.function ?? (target || undefined), 'function (a kernel function name)', ctx), hook === "kretprobe");
    case "tracing":
      if (kind.expectedAttachType === AttachType.TRACE_ITER) return attachIter(program, progFd, section, { map: o.map, cgroup: o.cgroup, order: o.order });
      return attachTracing(program, progFd, section);
    case "lsm":
      return attachTracing(program, progFd, section);
    case "uprobe":
    case "uretprobe": {
      const fromSection = target && !o.binary ? parseUprobeTarget(target, section) : undefined;
      const retprobe = hook === "uretprobe";
      if (kind.expectedAttachType === AttachType.TRACE_UPROBE_MULTI) {
        const binary = need(o.binary ?? fromSection?.binary, "binary (a path or library name)", ctx);
        return attachUprobeMulti(program, progFd, { binary, symbols: o.symbols, pattern: o.pattern ?? (o.symbols || o.offsets ? undefined : fromSection?.symbol), offsets: o.offsets, pid: o.pid, retprobe });
      }
      const binary = need(o.binary ?? fromSection?.binary, "binary (a path or library name)", ctx);
      return attachUprobe(program, progFd, { binary, symbol: o.symbol ?? fromSection?.symbol, offset: o.offset ?? fromSection?.offset, pid: o.pid, retprobe, cookie: o.cookie });
    }
    case "usdt": {
      const fromSection = target && !o.binary ? parseUsdtTarget(target, section) : undefined;
      return attachUsdt(program, progFd, ctx.usdtSpecs, {
        binary: need(o.binary ?? fromSection?.binary, "binary (a path or library name)", ctx),
        provider: need(o.provider ?? fromSection?.provider, "provider (the USDT provider)", ctx),
        name: need(o.name ?? fromSection?.name, "name (the USDT probe name)", ctx),
        pid: o.pid,
        cookie: o.cookie,
      });
    }
    case "perf_event":
      return attachPerfEvent(program, progFd, { event: need(o.event, 'event ("cpu-clock", "page-faults", ...)', ctx), frequency: o.frequency, samplePeriod: o.samplePeriod, cpus: o.cpus, pid: o.pid });
    case "xdp":
      return attachXdp(program, progFd, { interface: need(o.interface, "interface (name or index)", ctx), mode: o.mode, netns: o.netns });
    case "tcx":
    case "tc": {
      // "tc/ingress" and "tcx/egress" are exact section names: the direction is their suffix.
      const suffix = section.slice(section.lastIndexOf("/") + 1);
      const fromSection = target === "ingress" || target === "egress" ? target : suffix === "ingress" || suffix === "egress" ? suffix : undefined;
      const direction = need(o.direction ?? fromSection, 'direction ("ingress" or "egress")', ctx);
      const iface = need(o.interface, "interface (name or index)", ctx);
      if (hook === "tcx") return attachTcx(program, progFd, { interface: iface, direction, netns: o.netns });
      return attachTc(program, progFd, { interface: iface, direction, netns: o.netns, priority: o.priority, handle: o.handle });
    }
    case "socket":
      return attachSocketFilter(program, progFd, { socket: need(o.socket, "socket (a descriptor)", ctx) });
    case "cgroup": {
      let attachType = kind.expectedAttachType;
      if (attachType === undefined && o.direction) attachType = o.direction === "ingress" ? AttachType.CGROUP_INET_INGRESS : AttachType.CGROUP_INET_EGRESS;
      return attachCgroup(program, progFd, need(attachType, 'direction ("ingress" or "egress")', ctx), section, { cgroup: need(o.cgroup, "cgroup (a path under the cgroup v2 root)", ctx) });
    }
    case "sockmap":
      return attachSockMap(program, progFd, kind.expectedAttachType!, section, { map: need(o.map, "map (the sockmap or sockhash: its fd)", ctx) });
    case "sk_lookup":
      return attachSkLookup(program, progFd, { netns: o.netns });
    case "sk_reuseport":
      return attachSkReuseport(program, progFd, { socket: need(o.socket, "socket (a descriptor of a socket of the SO_REUSEPORT group)", ctx) });
    case "lwt":
      return attachLwt(program, progFd, section.slice("lwt_".length) as LwtHook, {
        route: need(o.route, 'route (the destination prefix, e.g. "10.0.0.2/32")', ctx),
        interface: need(o.interface, "interface (name or index)", ctx),
        gateway: o.gateway,
        headroom: o.headroom,
        netns: o.netns,
      });
    case "lirc":
      return attachLirc(program, progFd, { device: need(o.device, 'device (a LIRC device, e.g. "/dev/lirc0")', ctx) });
    case "tc_action":
      return attachTcAction(program, progFd, {
        interface: need(o.interface, "interface (name or index)", ctx),
        direction: need(o.direction, 'direction ("ingress" or "egress")', ctx),
        netns: o.netns,
        priority: o.priority,
        handle: o.handle,
      });
    case "flow_dissector":
      return attachFlowDissector(program, progFd, { netns: o.netns });
    case "struct_ops":
      throw new NotSupportedError(`attaching ${program} (${section})`, "struct_ops programs are attached by registering their struct_ops map", { remedy: "use object.attach() or registerStructOps()" });
    default:
      throw new NotSupportedError(`attaching ${program} (${section})`, `tsbpf does not attach ${progTypeName(kind.progType)} programs by itself yet`, {
        remedy: "run it with testRun(), or attach its fd by hand",
      });
  }
}

export { USDT_SPECS_MAP };
