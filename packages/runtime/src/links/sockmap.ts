/**
 * sk_skb (stream parser, stream verdict, verdict) and sk_msg programs: attached to a sockmap or
 * sockhash, they run on the sockets stored in it. A BPF link on the map (BPF_LINK_CREATE with
 * the map's fd as target, kernel 6.10); on older kernels (sockmap programs date from 4.14, sk_msg
 * 4.17) the program is attached to the map with BPF_PROG_ATTACH and the link detaches it again.
 * A map takes one program per attach type.
 */
import { bpfFailure, Cmd, linkCreateRaw, progAttachRaw } from "../sys/bpf.js";
import { Errno } from "../sys/errno.js";
import { Fd } from "../sys/fd.js";
import { Link } from "./link.js";

export interface SockMapAttachOptions {
  /** The sockmap or sockhash (a map handle's `fd`, or a raw descriptor). */
  map: Fd | number;
}

export function attachSockMap(program: string, progFd: number, attachType: number, section: string, options: SockMapAttachOptions): Link {
  const mapFd = typeof options.map === "number" ? options.map : options.map.raw;
  const what = `${section} on map fd ${mapFd}`;
  const r = linkCreateRaw({ progFd, targetFd: mapFd, attachType });
  if (r >= 0) return new Link(program, what, new Fd(r, `link ${program} → ${what}`));
  // Kernels before 6.10 have no sockmap links: EINVAL (unknown attach type for LINK_CREATE).
  if (-r !== Errno.EINVAL && -r !== Errno.EOPNOTSUPP) throw bpfFailure(Cmd.LINK_CREATE, -r, `${program} → ${what}`);
  const a = progAttachRaw(false, mapFd, progFd, attachType);
  if (a < 0) throw bpfFailure(Cmd.PROG_ATTACH, -a, `${program} → ${what}`);
  return new Link(program, what, undefined, [{ close: () => void progAttachRaw(true, mapFd, progFd, attachType) }]);
}
