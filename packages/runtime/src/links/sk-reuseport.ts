/**
 * sk_reuseport: a program that chooses which socket of a SO_REUSEPORT group receives a packet (UDP)
 * or connection (TCP), attached to the group through any of its sockets with
 * setsockopt(SO_ATTACH_REUSEPORT_EBPF) (kernel 4.19). The program belongs to the group, not to the
 * socket: closing the returned link detaches it (SO_DETACH_REUSEPORT_BPF, 5.3) through the same
 * socket, unless that socket is gone. Not a BPF link: no id, no pinning.
 */
import { BpfError } from "../errors.js";
import { Errno } from "../sys/errno.js";
import type { Fd } from "../sys/fd.js";
import { setSocketInt, SO_ATTACH_REUSEPORT_EBPF, SO_DETACH_REUSEPORT_BPF, SOL_SOCKET } from "../sys/socket.js";
import { Link } from "./link.js";

export interface SkReuseportOptions {
  /** A socket of the group (bound with SO_REUSEPORT): its descriptor, a number or an Fd. */
  socket: number | Fd;
}

/** Attaches an sk_reuseport program to the SO_REUSEPORT group of `options.socket`. Kernel 4.19. */
export function attachSkReuseport(program: string, progFd: number, options: SkReuseportOptions): Link {
  const fd = () => (typeof options.socket === "number" ? options.socket : options.socket.raw);
  const what = `sk_reuseport group of fd ${fd()}`;
  // EINVAL: the socket has no reuseport group (not bound, or bound without SO_REUSEPORT).
  setSocketInt(fd(), SOL_SOCKET, SO_ATTACH_REUSEPORT_EBPF, progFd, `${program} → ${what} (the socket must be bound with SO_REUSEPORT)`);
  return new Link(program, what, undefined, [
    {
      close: () => {
        if (typeof options.socket !== "number" && options.socket.closed) return;
        try {
          setSocketInt(fd(), SOL_SOCKET, SO_DETACH_REUSEPORT_BPF, 0, `detaching ${program} from ${what}`);
        } catch (error) {
          // The socket is closed (EBADF), or the group has no program any more (ENOENT).
          if (!(error instanceof BpfError) || (error.errno !== Errno.EBADF && error.errno !== Errno.ENOENT && error.errno !== 88 /* ENOTSOCK */)) throw error;
        }
      },
    },
  ]);
}
