/**
 * tc actions (sched_act, SEC("action")): the program runs as a `bpf` action (act_bpf) of a
 * `matchall` filter on the interface's clsact ingress or egress hook, over rtnetlink, what
 * `tc filter add dev <if> ingress matchall action bpf fd <n>` does. Kernel 4.1 (matchall 4.8,
 * clsact 4.5); needs CONFIG_NET_ACT_BPF and CONFIG_NET_CLS_MATCHALL (modules load on demand).
 * Its verdict is the action's: TC_ACT_OK, TC_ACT_SHOT (drop), TC_ACT_PIPE, TC_ACT_UNSPEC (the
 * action's default, pipe). Not a BPF link: closing deletes the filter (and the qdisc when this made it).
 */
import { BpfError, NotSupportedError } from "../errors.js";
import { Errno } from "../sys/errno.js";
import { inNetns, interfaceIndex } from "../sys/netns.js";
import { NLM_F_CREATE, NLM_F_EXCL, RouteNetlink } from "../sys/netlink.js";
import { Link } from "./link.js";
import { clsactParent, ensureClsact, filterInfo, tcmsg, TCA_KIND, TCA_OPTIONS } from "./tc.js";
import type { TcDirection } from "./tcx.js";

const RTM_NEWTFILTER = 44;
const RTM_DELTFILTER = 45;
const TCA_MATCHALL_ACT = 2;
const TCA_ACT_KIND = 1;
const TCA_ACT_OPTIONS = 2;
const TCA_ACT_BPF_PARMS = 2;
const TCA_ACT_BPF_FD = 5;
const TCA_ACT_BPF_NAME = 6;
const TC_ACT_PIPE = 3;

export interface TcActionOptions {
  interface: string | number;
  direction: TcDirection;
  /** Filter priority (default 1; lower runs first). */
  priority?: number;
  /** Filter handle (default 1). */
  handle?: number;
  netns?: string;
}

/** struct tc_act_bpf: index, capab, action (the default verdict), refcnt, bindcnt. */
function actBpfParms(): Uint8Array {
  const out = new Uint8Array(20);
  new DataView(out.buffer).setInt32(8, TC_ACT_PIPE, true);
  return out;
}

/** Attaches a sched_act program as the bpf action of a matchall filter on clsact. Kernel 4.8. */
export function attachTcAction(program: string, progFd: number, options: TcActionOptions): Link {
  return inNetns(options.netns, () => {
    const ifindex = interfaceIndex(options.interface);
    const what = `tc action on ${options.direction} of ${options.interface}${options.netns ? ` in netns ${options.netns}` : ""}`;
    const nl = new RouteNetlink();
    let removeQdisc: (() => void) | undefined;
    try {
      removeQdisc = ensureClsact(nl, ifindex, what);
      const filter = tcmsg(ifindex, options.handle ?? 1, clsactParent(options.direction), filterInfo(options.priority ?? 1));
      const r = nl.requestRaw(RTM_NEWTFILTER, NLM_F_CREATE | NLM_F_EXCL, filter, [
        { type: TCA_KIND, value: "matchall" },
        {
          type: TCA_OPTIONS,
          value: [{
            type: TCA_MATCHALL_ACT,
            value: [{
              type: 1, // the first action of the list
              value: [
                { type: TCA_ACT_KIND, value: "bpf" },
                { type: TCA_ACT_OPTIONS, value: [{ type: TCA_ACT_BPF_PARMS, value: actBpfParms() }, { type: TCA_ACT_BPF_FD, value: progFd }, { type: TCA_ACT_BPF_NAME, value: program }] },
              ],
            }],
          }],
        },
      ]);
      if (r === -Errno.ENOENT || r === -Errno.EOPNOTSUPP) {
        throw new NotSupportedError(what, "the kernel has no matchall filter or bpf action (CONFIG_NET_CLS_MATCHALL, CONFIG_NET_ACT_BPF)", { errno: -r, syscall: "rtnetlink RTM_NEWTFILTER" });
      }
      if (r < 0) throw BpfError.fromErrno("rtnetlink", -r, `adding the matchall filter with the bpf action for ${what}`);
      const detach = {
        close: () => {
          const d = nl.requestRaw(RTM_DELTFILTER, 0, filter, [{ type: TCA_KIND, value: "matchall" }]);
          removeQdisc?.();
          nl.close();
          if (d < 0 && d !== -Errno.ENOENT && d !== -19 /* ENODEV */ && d !== -Errno.EINVAL) throw BpfError.fromErrno("rtnetlink", -d, `deleting the matchall filter of ${what}`);
        },
      };
      return new Link(program, what, undefined, [detach]);
    } catch (error) {
      removeQdisc?.();
      nl.close();
      throw error;
    }
  });
}
