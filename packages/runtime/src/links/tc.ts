/**
 * Classic tc ("tc", "classifier", and the fallback for tc/ingress|egress before tcx): a
 * `clsact` qdisc on the interface (created when missing) and a `bpf` filter in direct-action
 * mode on its ingress or egress hook, over rtnetlink (kernel 4.5). Not a BPF link: closing
 * deletes the filter, and the qdisc too when this attach created it. The netlink socket is
 * kept open for that, in the interface's namespace.
 */
import { BpfError } from "../errors.js";
import { littleEndian } from "../sys/attr.js";
import { Errno } from "../sys/errno.js";
import { inNetns, interfaceIndex } from "../sys/netns.js";
import { NLM_F_CREATE, NLM_F_EXCL, RouteNetlink } from "../sys/netlink.js";
import { Link } from "./link.js";
import type { TcDirection } from "./tcx.js";

const RTM_NEWQDISC = 36;
const RTM_DELQDISC = 37;
const RTM_NEWTFILTER = 44;
const RTM_DELTFILTER = 45;
export const TCA_KIND = 1;
export const TCA_OPTIONS = 2;
const TCA_BPF_FD = 6;
const TCA_BPF_NAME = 7;
const TCA_BPF_FLAGS = 8;
const TCA_BPF_FLAG_ACT_DIRECT = 1;
const TC_H_CLSACT = 0xfffffff1;
const TC_H_MIN_INGRESS = 0xfff2;
const TC_H_MIN_EGRESS = 0xfff3;
const ETH_P_ALL = 0x0003;

export interface TcOptions {
  interface: string | number;
  direction: TcDirection;
  /** Filter priority (default 1; lower runs first). */
  priority?: number;
  /** Filter handle (default 1). */
  handle?: number;
  netns?: string;
}

/** struct tcmsg: family, ifindex, handle, parent, info. */
export function tcmsg(ifindex: number, handle: number, parent: number, info: number): Uint8Array {
  const out = new Uint8Array(20);
  const v = new DataView(out.buffer);
  v.setInt32(4, ifindex, littleEndian);
  v.setUint32(8, handle >>> 0, littleEndian);
  v.setUint32(12, parent >>> 0, littleEndian);
  v.setUint32(16, info >>> 0, littleEndian);
  return out;
}

/** The clsact hook of a direction, as a filter's parent. */
export function clsactParent(direction: TcDirection): number {
  return (0xffff0000 | (direction === "ingress" ? TC_H_MIN_INGRESS : TC_H_MIN_EGRESS)) >>> 0;
}

/** A filter's tcm_info: its priority and protocol (every protocol, in network order). */
export function filterInfo(priority: number): number {
  const protocol = ((ETH_P_ALL & 0xff) << 8) | (ETH_P_ALL >> 8); // htons
  return ((priority << 16) | protocol) >>> 0;
}

/**
 * Makes sure the interface has a clsact qdisc; returns what removes it when this call made it
 * (undefined when it was there already, and is left for whoever made it).
 */
export function ensureClsact(nl: RouteNetlink, ifindex: number, what: string): (() => void) | undefined {
  const qdisc = tcmsg(ifindex, 0xffff0000, TC_H_CLSACT, 0);
  const made = nl.requestRaw(RTM_NEWQDISC, NLM_F_CREATE | NLM_F_EXCL, qdisc, [{ type: TCA_KIND, value: "clsact" }]);
  if (made < 0 && made !== -Errno.EEXIST) throw BpfError.fromErrno("rtnetlink", -made, `creating the clsact qdisc for ${what}`);
  return made === 0 ? () => void nl.requestRaw(RTM_DELQDISC, 0, qdisc, [{ type: TCA_KIND, value: "clsact" }]) : undefined;
}

/** Attaches a sched_cls program as a direct-action bpf filter on clsact. Kernel 4.5. */
export function attachTc(program: string, progFd: number, options: TcOptions): Link {
  return inNetns(options.netns, () => {
    const ifindex = interfaceIndex(options.interface);
    const what = `tc ${options.direction} on ${options.interface}${options.netns ? ` in netns ${options.netns}` : ""}`;
    const nl = new RouteNetlink();
    try {
      const removeQdisc = ensureClsact(nl, ifindex, what);
      const filter = tcmsg(ifindex, options.handle ?? 1, clsactParent(options.direction), filterInfo(options.priority ?? 1));
      try {
        nl.request(RTM_NEWTFILTER, NLM_F_CREATE | NLM_F_EXCL, filter, [
          { type: TCA_KIND, value: "bpf" },
          { type: TCA_OPTIONS, value: [{ type: TCA_BPF_FD, value: progFd }, { type: TCA_BPF_NAME, value: program }, { type: TCA_BPF_FLAGS, value: TCA_BPF_FLAG_ACT_DIRECT }] },
        ], `adding the bpf filter for ${what}`);
      } catch (error) {
        removeQdisc?.();
        throw error;
      }
      const detach = {
        close: () => {
          // The interface may be gone (and the filter with it): ENODEV/ENOENT mean nothing is left to do.
          const r = nl.requestRaw(RTM_DELTFILTER, 0, filter, [{ type: TCA_KIND, value: "bpf" }]);
          removeQdisc?.();
          nl.close();
          if (r < 0 && r !== -Errno.ENOENT && r !== -19 /* ENODEV */ && r !== -Errno.EINVAL) throw BpfError.fromErrno("rtnetlink", -r, `deleting the bpf filter of ${what}`);
        },
      };
      return new Link(program, what, undefined, [detach]);
    } catch (error) {
      nl.close();
      throw error;
    }
  });
}
