/**
 * sk_lookup: a program run when the kernel looks up the socket of an incoming connection or
 * datagram in one network namespace (BPF_LINK_CREATE on the namespace's fd with BPF_SK_LOOKUP,
 * kernel 5.9). Several programs may be attached to one namespace; they run in order.
 */
import { bpfFailure, Cmd, linkCreateRaw } from "../sys/bpf.js";
import { Fd } from "../sys/fd.js";
import { openFile, O_RDONLY } from "../sys/files.js";
import { netnsPath } from "../sys/netns.js";
import { AttachType } from "../load/types.js";
import { Link } from "./link.js";

export interface SkLookupOptions {
  /** The network namespace: a name from `ip netns`, a path; default this process's. */
  netns?: string;
}

export function attachSkLookup(program: string, progFd: number, options: SkLookupOptions = {}): Link {
  const ns = openFile(options.netns ? netnsPath(options.netns) : "/proc/self/ns/net", O_RDONLY);
  const what = `sk_lookup in netns ${options.netns ?? "(own)"}`;
  try {
    const r = linkCreateRaw({ progFd, targetFd: ns.raw, attachType: AttachType.SK_LOOKUP });
    if (r < 0) throw bpfFailure(Cmd.LINK_CREATE, -r, `${program} → ${what}`);
    return new Link(program, what, new Fd(r, `link ${program} → ${what}`));
  } finally {
    ns.close();
  }
}
