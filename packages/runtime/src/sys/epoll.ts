/**
 * One epoll instance over several descriptors (several ring buffers, several perf buffers), so
 * that one readiness watch on the event loop serves them all.
 */
import { BpfError } from "../errors.js";
import { door } from "./door.js";
import { Fd } from "./fd.js";

const EPOLL_CTL_ADD = 1;
const EPOLL_CTL_DEL = 2;
export const EPOLLIN = 1;

export class Epoll {
  readonly fd: Fd;
  readonly #ready = new Int32Array(64);

  constructor(label: string) {
    const r = door().epollCreate();
    if (r < 0) throw BpfError.fromErrno("epoll_create1", -r, label);
    this.fd = new Fd(r, label);
  }

  add(fd: number, events = EPOLLIN): void {
    const r = door().epollCtl(this.fd.raw, EPOLL_CTL_ADD, fd, events);
    if (r < 0) throw BpfError.fromErrno("epoll_ctl(ADD)", -r, this.fd.label);
  }

  remove(fd: number): void {
    door().epollCtl(this.fd.raw, EPOLL_CTL_DEL, fd, 0);
  }

  /** The descriptors ready now (never waits). */
  ready(): number[] {
    const n = door().epollWait(this.fd.raw, this.#ready);
    if (n < 0) throw BpfError.fromErrno("epoll_wait", -n, this.fd.label);
    return Array.from(this.#ready.subarray(0, n));
  }

  close(): void {
    this.fd.close();
  }
}
