/**
 * cgroup hooks ("cgroup_skb/ingress|egress", "cgroup/sock_create", "cgroup/connect4",
 * "cgroup/bind4", "cgroup/sysctl", "cgroup/getsockopt", "cgroup/dev", ...): a BPF link on a
 * cgroup v2 directory (BPF_LINK_CREATE on the cgroup's fd with the program's attach type,
 * kernel 5.7). The program then runs for every process in that cgroup and its descendants.
 */
import { Fd } from "../sys/fd.js";
import { bpfFailure, Cmd, linkCreateRaw } from "../sys/bpf.js";
import { openCgroup } from "../sys/cgroup.js";
import { Link } from "./link.js";

export interface CgroupOptions {
  /** The cgroup: an absolute path, a path under the cgroup v2 root, or an open descriptor. */
  cgroup: string | Fd;
}

/** Attaches a cgroup program with the given attach type. Kernel 5.7 (cgroup links). */
export function attachCgroup(program: string, progFd: number, attachType: number, section: string, options: CgroupOptions): Link {
  const owned = typeof options.cgroup === "string" ? openCgroup(options.cgroup) : undefined;
  const cgroup = owned ?? (options.cgroup as Fd);
  const what = `${section} on cgroup ${typeof options.cgroup === "string" ? options.cgroup : cgroup.label}`;
  try {
    const r = linkCreateRaw({ progFd, targetFd: cgroup.raw, attachType });
    if (r < 0) throw bpfFailure(Cmd.LINK_CREATE, -r, `${program} → ${what}`);
    return new Link(program, what, new Fd(r, `link ${program} → ${what}`));
  } finally {
    owned?.close(); // the link holds the cgroup
  }
}
