/**
 * Socket filters ("socket"): a program attached to one socket with setsockopt(SO_ATTACH_BPF)
 * (kernel 3.19); it sees every packet the socket would receive and returns how many bytes to
 * keep (0 drops the packet). Closing the returned link detaches it (SO_DETACH_BPF) unless the
 * socket is gone already. Not a BPF link: it has no id and cannot be pinned.
 */
import { BpfError } from "../errors.js";
import { Errno } from "../sys/errno.js";
import type { Fd } from "../sys/fd.js";
import { setSocketInt, SO_ATTACH_BPF, SO_DETACH_BPF, SOL_SOCKET } from "../sys/socket.js";
import { Link } from "./link.js";

export interface SocketFilterOptions {
  /** The socket's descriptor (a number, e.g. from a native addon or `socket._handle.fd`, or an Fd). */
  socket: number | Fd;
}

/** Attaches a socket filter program. Kernel 3.19. */
export function attachSocketFilter(program: string, progFd: number, options: SocketFilterOptions): Link {
  const fd = () => (typeof options.socket === "number" ? options.socket : options.socket.raw);
  const what = `socket filter on fd ${fd()}`;
  setSocketInt(fd(), SOL_SOCKET, SO_ATTACH_BPF, progFd, `${program} → ${what}`);
  return new Link(program, what, undefined, [
    {
      close: () => {
        if (typeof options.socket !== "number" && options.socket.closed) return;
        try {
          setSocketInt(fd(), SOL_SOCKET, SO_DETACH_BPF, 0, `detaching ${program} from ${what}`);
        } catch (error) {
          // The socket was closed (EBADF) or has no filter any more (ENOENT): nothing to detach.
          if (!(error instanceof BpfError) || (error.errno !== Errno.EBADF && error.errno !== Errno.ENOENT && error.errno !== 88 /* ENOTSOCK */)) throw error;
        }
      },
    },
  ]);
}
