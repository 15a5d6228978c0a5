/**
 * Lightweight tunnel programs (lwt_in, lwt_out, lwt_xmit): a route whose encapsulation is `bpf`,
 * added over rtnetlink (RTM_NEWROUTE with RTA_ENCAP_TYPE = LWTUNNEL_ENCAP_BPF and the program's fd
 * in RTA_ENCAP), what `ip route add <prefix> encap bpf in|out|xmit obj … dev <if>` does; kernel
 * 4.10 (CONFIG_LWTUNNEL_BPF). Not a BPF link: closing deletes the route. lwt_in runs on packets
 * the route forwards or delivers from input, lwt_out on locally generated packets before output,
 * lwt_xmit just before they are transmitted (it may push headers: `headroom`).
 * lwt_seg6local programs are the End.BPF action of an IPv6 segment routing route (`ip -6 route add
 * <segment> encap seg6local action End.BPF endpoint fd <n> dev <if>`, kernel 4.18 with
 * CONFIG_IPV6_SEG6_LWTUNNEL and CONFIG_IPV6_SEG6_BPF): packets whose active segment is the
 * route's destination run the program, then go on to their next segment.
 */
import { BpfError, NotSupportedError } from "../errors.js";
import { littleEndian } from "../sys/attr.js";
import { Errno } from "../sys/errno.js";
import { inNetns, interfaceIndex } from "../sys/netns.js";
import { NLM_F_CREATE, NLM_F_EXCL, RouteNetlink, type RtAttr } from "../sys/netlink.js";
import { parseAddress, parsePrefix } from "./ip-prefix.js";
import { Link } from "./link.js";

const RTM_NEWROUTE = 24;
const RTM_DELROUTE = 25;
const RTA_DST = 1;
const RTA_OIF = 4;
const RTA_GATEWAY = 5;
const RTA_ENCAP_TYPE = 21;
const RTA_ENCAP = 22;
const RT_TABLE_MAIN = 254;
const RTPROT_BOOT = 3;
const RT_SCOPE_UNIVERSE = 0;
const RT_SCOPE_LINK = 253;
const RTN_UNICAST = 1;
const LWTUNNEL_ENCAP_BPF = 6;
const LWT_BPF_PROG_FD = 1;
const LWT_BPF_PROG_NAME = 2;
const LWT_BPF_XMIT_HEADROOM = 4;
const LWTUNNEL_ENCAP_SEG6_LOCAL = 7;
const SEG6_LOCAL_ACTION = 1;
const SEG6_LOCAL_BPF = 8;
const SEG6_LOCAL_ACTION_END_BPF = 15;
const SEG6_LOCAL_BPF_PROG = 1;
const SEG6_LOCAL_BPF_PROG_NAME = 2;
/** LWT_BPF_IN, LWT_BPF_OUT, LWT_BPF_XMIT. */
const hookAttr = { in: 1, out: 2, xmit: 3 } as const;
/** LWT_BPF_MAX_HEADROOM. */
const MAX_HEADROOM = 256;

export type LwtHook = keyof typeof hookAttr | "seg6local";

export interface LwtOptions {
  /** The route's destination: "10.0.0.2/32", "fd00::/64"; a bare address is a host route. */
  route: string;
  /** The interface the route sends through (name or index). */
  interface: string | number;
  /** A next hop on that interface (default: none, the destination is on the link). */
  gateway?: string;
  /** lwt_xmit: bytes of headroom the program may push (LWT_BPF_XMIT_HEADROOM, at most 256). */
  headroom?: number;
  netns?: string;
}

/** struct rtmsg: family, dst_len, src_len, tos, table, protocol, scope, type, flags. */
function rtmsg(family: number, dstLen: number, scope: number): Uint8Array {
  return Uint8Array.from([family, dstLen, 0, 0, RT_TABLE_MAIN, RTPROT_BOOT, scope, RTN_UNICAST, 0, 0, 0, 0]);
}

function u16(value: number): Uint8Array {
  const out = new Uint8Array(2);
  new DataView(out.buffer).setUint16(0, value, littleEndian);
  return out;
}

/** The route's encapsulation: a bpf one for in/out/xmit, a seg6local End.BPF action for seg6local. */
function encapsulation(program: string, progFd: number, hook: LwtHook, headroom: number | undefined): { type: number; attrs: RtAttr[] } {
  const prog: RtAttr[] = hook === "seg6local"
    ? [{ type: SEG6_LOCAL_BPF_PROG, value: progFd }, { type: SEG6_LOCAL_BPF_PROG_NAME, value: program }]
    : [{ type: LWT_BPF_PROG_FD, value: progFd }, { type: LWT_BPF_PROG_NAME, value: program }];
  if (hook === "seg6local") return { type: LWTUNNEL_ENCAP_SEG6_LOCAL, attrs: [{ type: SEG6_LOCAL_ACTION, value: SEG6_LOCAL_ACTION_END_BPF }, { type: SEG6_LOCAL_BPF, value: prog }] };
  const attrs: RtAttr[] = [{ type: hookAttr[hook], value: prog }];
  if (headroom) attrs.push({ type: LWT_BPF_XMIT_HEADROOM, value: headroom });
  return { type: LWTUNNEL_ENCAP_BPF, attrs };
}

/**
 * Attaches an lwt_in/lwt_out/lwt_xmit program as the bpf encapsulation of a new route (kernel
 * 4.10), or an lwt_seg6local program as the End.BPF action of a new IPv6 route (4.18).
 */
export function attachLwt(program: string, progFd: number, hook: LwtHook, options: LwtOptions): Link {
  const dst = parsePrefix(options.route);
  const gateway = options.gateway === undefined ? undefined : parseAddress(options.gateway);
  if (gateway && gateway.family !== dst.family) throw new TypeError(`the gateway ${options.gateway} is not of the route's address family (${options.route})`);
  if (options.headroom !== undefined && (hook !== "xmit" || !Number.isInteger(options.headroom) || options.headroom < 0 || options.headroom > MAX_HEADROOM)) {
    throw new TypeError(`headroom is for lwt_xmit programs, 0-${MAX_HEADROOM} bytes (got ${options.headroom} for lwt_${hook})`);
  }
  if (hook === "seg6local" && dst.family !== 10) throw new TypeError(`an End.BPF route is an IPv6 route (got ${options.route})`);
  return inNetns(options.netns, () => {
    const oif = interfaceIndex(options.interface);
    const how = hook === "seg6local" ? "encap seg6local action End.BPF" : `encap bpf ${hook}`;
    const what = `route ${options.route}${gateway ? ` via ${options.gateway}` : ""} dev ${options.interface} ${how}${options.netns ? ` in netns ${options.netns}` : ""}`;
    const header = rtmsg(dst.family, dst.length, gateway ? RT_SCOPE_UNIVERSE : RT_SCOPE_LINK);
    const where: RtAttr[] = [{ type: RTA_DST, value: dst.bytes }, { type: RTA_OIF, value: oif }];
    if (gateway) where.push({ type: RTA_GATEWAY, value: gateway.bytes });
    const encap = encapsulation(program, progFd, hook, options.headroom);
    const nl = new RouteNetlink();
    try {
      const r = nl.requestRaw(RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL, header, [...where, { type: RTA_ENCAP_TYPE, value: u16(encap.type) }, { type: RTA_ENCAP, value: encap.attrs }]);
      if (r === -Errno.EOPNOTSUPP) {
        const option = hook === "seg6local" ? "CONFIG_IPV6_SEG6_LWTUNNEL and CONFIG_IPV6_SEG6_BPF, kernel 4.18" : "CONFIG_LWTUNNEL_BPF, kernel 4.10";
        throw new NotSupportedError(what, `the kernel has no ${hook === "seg6local" ? "seg6local End.BPF routes" : "bpf lightweight tunnels"} (${option})`, { errno: -r, syscall: "rtnetlink RTM_NEWROUTE" });
      }
      if (r === -Errno.EEXIST) throw BpfError.fromErrno("rtnetlink", -r, `adding ${what}: a route to ${options.route} is already in the main table (delete it, or route a narrower prefix)`);
      if (r < 0) throw BpfError.fromErrno("rtnetlink", -r, `adding ${what}`);
    } catch (error) {
      nl.close();
      throw error;
    }
    const detach = {
      close: () => {
        const r = nl.requestRaw(RTM_DELROUTE, 0, header, where);
        nl.close();
        // The interface may be gone, and its routes with it.
        if (r < 0 && r !== -Errno.ESRCH && r !== -19 /* ENODEV */ && r !== -Errno.ENOENT) throw BpfError.fromErrno("rtnetlink", -r, `deleting ${what}`);
      },
    };
    return new Link(program, what, undefined, [detach]);
  });
}
