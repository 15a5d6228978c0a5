/**
 * XDP ("xdp", "xdp.frags"): a BPF link on a network interface (BPF_LINK_CREATE with BPF_XDP and
 * the interface index, kernel 5.9). The mode picks where the program runs: "native" in the
 * driver (the default where the driver supports it), "generic" (skb, any interface), "offload"
 * (on the NIC). With `netns`, the interface is looked up and the link made in that namespace.
 */
import { Errno } from "../sys/errno.js";
import { linkCreateRaw, bpfFailure, Cmd } from "../sys/bpf.js";
import { Fd } from "../sys/fd.js";
import { inNetns, interfaceIndex } from "../sys/netns.js";
import { NotSupportedError } from "../errors.js";
import { AttachType } from "../load/types.js";
import { Link } from "./link.js";

export type XdpMode = "native" | "generic" | "offload";

const modeFlags: Record<XdpMode, number> = { generic: 1 << 1, native: 1 << 2, offload: 1 << 3 };

export interface XdpOptions {
  /** Interface name ("eth0") or index. */
  interface: string | number;
  /** Default: let the kernel choose (native where supported, else generic). */
  mode?: XdpMode;
  /** Network namespace (a name from `ip netns`, or a path) the interface lives in. */
  netns?: string;
}

/** Attaches an XDP program to an interface. Kernel 5.9 (XDP links). */
export function attachXdp(program: string, progFd: number, options: XdpOptions): Link {
  return inNetns(options.netns, () => {
    const ifindex = interfaceIndex(options.interface);
    const what = `xdp on ${options.interface}${options.mode ? ` (${options.mode})` : ""}${options.netns ? ` in netns ${options.netns}` : ""}`;
    const r = linkCreateRaw({ progFd, targetFd: ifindex, attachType: AttachType.XDP, flags: options.mode ? modeFlags[options.mode] : 0 });
    if (r === -Errno.EOPNOTSUPP && options.mode) {
      throw new NotSupportedError(what, `the interface's driver has no ${options.mode} XDP mode`, { errno: -r, syscall: "BPF_LINK_CREATE", remedy: 'use mode "generic"' });
    }
    if (r < 0) throw bpfFailure(Cmd.LINK_CREATE, -r, `${program} → ${what}`);
    return new Link(program, what, new Fd(r, `link ${program} → ${what}`));
  });
}
