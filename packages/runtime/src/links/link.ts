/**
 * `Link`: one attachment of a program to a hook. Closing it detaches the program (a BPF link
 * detaches when its last descriptor closes), along with anything the attachment needed (the
 * perf event a tracepoint link sits on).
 */
import { littleEndian } from "../sys/attr.js";
import { objGetInfo, objPin } from "../sys/bpf.js";
import type { Fd } from "../sys/fd.js";

export class Link implements Disposable {
  /** The attached program's name. */
  readonly program: string;
  /** What it is attached to, as a section names it ("tracepoint/syscalls/sys_enter_write"). */
  readonly target: string;
  readonly fd: Fd;
  readonly #also: { close(): void }[];
  #onClose: (() => void) | undefined;

  /**
   * `also`: what the attachment needs and the link releases with itself (the perf event under
   * it, further links of a group, a netlink filter's detach, a USDT spec slot).
   */
  constructor(program: string, target: string, fd: Fd, also: { close(): void }[] = []) {
    this.program = program;
    this.target = target;
    this.fd = fd;
    this.#also = also;
  }

  /** One link standing for several (a USDT probe at several sites, a perf_event program on every CPU). */
  static group(program: string, target: string, links: Link[], also: { close(): void }[] = []): Link {
    const [first, ...rest] = links;
    if (!first) throw new Error(`tsbpf: empty link group for ${target}`);
    return new Link(program, target, first.fd, [first.#detachOnly(), ...rest, ...also]);
  }

  /** What closing this link besides its own fd takes (for a group that adopts the fd). */
  #detachOnly(): { close(): void } {
    return { close: () => this.#also.forEach((a) => a.close()) };
  }

  /** @internal Lets the owner (a BpfObject) forget the link once it is closed. */
  onClose(callback: () => void): void {
    this.#onClose = callback;
  }

  get closed(): boolean {
    return this.fd.closed;
  }

  /** The kernel's link id (bpftool link show id N). Kernel 5.8. */
  id(): number {
    const info = new Uint8Array(48);
    objGetInfo(this.fd, info);
    return new DataView(info.buffer).getUint32(4, littleEndian);
  }

  /** Pins the link on bpffs so that the attachment outlives the process. Kernel 5.7. */
  pin(path: string): void {
    objPin(this.fd, path);
  }

  /** Detaches. Idempotent. */
  close(): void {
    if (this.fd.closed) return;
    this.fd.close();
    for (const fd of this.#also) fd.close();
    this.#onClose?.();
    this.#onClose = undefined;
  }

  [Symbol.dispose](): void {
    this.close();
  }

  toString(): string {
    return `Link(${this.program} → ${this.target}${this.closed ? ", closed" : ""})`;
  }
}
