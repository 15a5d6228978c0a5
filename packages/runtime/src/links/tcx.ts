/**
 * tcx ("tcx/ingress", "tcx/egress", and libbpf's "tc/ingress", "tc/egress"): a BPF link on an
 * interface's ingress or egress path (BPF_LINK_CREATE with BPF_TCX_INGRESS/EGRESS, kernel 6.6),
 * with no qdisc to manage. Several programs stack in attach order. For older kernels, classic
 * tc (tc.ts) attaches through a clsact qdisc and a bpf filter.
 */
import { NotSupportedError } from "../errors.js";
import { bpfFailure, Cmd, linkCreateRaw } from "../sys/bpf.js";
import { Errno } from "../sys/errno.js";
import { Fd } from "../sys/fd.js";
import { inNetns, interfaceIndex } from "../sys/netns.js";
import { AttachType } from "../load/types.js";
import { Link } from "./link.js";

export type TcDirection = "ingress" | "egress";

export interface TcxOptions {
  interface: string | number;
  direction: TcDirection;
  netns?: string;
}

/** Attaches a sched_cls program with a tcx link. Kernel 6.6. */
export function attachTcx(program: string, progFd: number, options: TcxOptions): Link {
  return inNetns(options.netns, () => {
    const ifindex = interfaceIndex(options.interface);
    const what = `tcx/${options.direction} on ${options.interface}${options.netns ? ` in netns ${options.netns}` : ""}`;
    const attachType = options.direction === "ingress" ? AttachType.TCX_INGRESS : AttachType.TCX_EGRESS;
    const r = linkCreateRaw({ progFd, targetFd: ifindex, attachType });
    if (r === -Errno.EINVAL || r === -Errno.EOPNOTSUPP) {
      throw new NotSupportedError(what, `the kernel refused a tcx link (${r === -Errno.EINVAL ? "EINVAL" : "EOPNOTSUPP"})`, {
        errno: -r,
        syscall: "BPF_LINK_CREATE",
        remedy: "needs Linux 6.6; use classic tc (attachTc) on older kernels",
      });
    }
    if (r < 0) throw bpfFailure(Cmd.LINK_CREATE, -r, `${program} → ${what}`);
    return new Link(program, what, new Fd(r, `link ${program} → ${what}`));
  });
}
