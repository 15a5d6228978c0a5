/**
 * flow_dissector: replaces the kernel's packet dissector in one network namespace
 * (BPF_LINK_CREATE on the namespace's fd with BPF_FLOW_DISSECTOR, kernel 5.8).
 */
import { bpfFailure, Cmd, linkCreateRaw } from "../sys/bpf.js";
import { Fd } from "../sys/fd.js";
import { openFile, O_RDONLY } from "../sys/files.js";
import { netnsPath } from "../sys/netns.js";
import { AttachType } from "../load/types.js";
import { Link } from "./link.js";

export interface FlowDissectorOptions {
  /** The network namespace: a name from `ip netns`, a path; default this process's. */
  netns?: string;
}

/** Attaches a flow dissector program to a network namespace. Kernel 5.8 (netns links). */
export function attachFlowDissector(program: string, progFd: number, options: FlowDissectorOptions = {}): Link {
  const path = options.netns ? netnsPath(options.netns) : "/proc/self/ns/net";
  const ns = openFile(path, O_RDONLY);
  const what = `flow_dissector in netns ${options.netns ?? "(own)"}`;
  try {
    const r = linkCreateRaw({ progFd, targetFd: ns.raw, attachType: AttachType.FLOW_DISSECTOR });
    if (r < 0) throw bpfFailure(Cmd.LINK_CREATE, -r, `${program} → ${what}`);
    return new Link(program, what, new Fd(r, `link ${program} → ${what}`));
  } finally {
    ns.close();
  }
}
