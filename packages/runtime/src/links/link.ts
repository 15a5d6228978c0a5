/**
 * `Link`: one attachment of a program to a hook. Closing it detaches the program (a BPF link
 * detaches when its last descriptor closes), along with anything the attachment needed (the
 * perf event a tracepoint link sits on).
 */
import { littleEndian } from "../sys/attr.js";
import { objGetInfo, objPin } from "../sys/bpf.js";
import type { Fd } from "../sys/fd.js";
import { BpfError } from "../errors.js";

/** Links not closed yet: the exit hook detaches them (classic tc filters outlive the process otherwise). */
const live = new Set<Link>();
let exitHookInstalled = false;

/** Closes every link still attached (the process exit hook; also for tests). */
export function closeAllLinks(): void {
  for (const link of [...live]) {
    try {
      link.close();
    } catch {
      // exiting: nothing better to do than go on with the others
    }
  }
}

/** How many links this process holds attached right now. */
export function openLinkCount(): number {
  return live.size;
}

/**
 * One attachment of a program to a hook: a BPF link (`fd`), or what else holds it (a classic tc
 * filter, a socket filter). `close()` (or `using`) detaches it, with what the attachment needed
 * (the perf event under a tracepoint link).
 */
export class Link implements Disposable {
  /** The attached program's name. */
  readonly program: string;
  /** What it is attached to, as a section names it ("tracepoint/syscalls/sys_enter_write"). */
  readonly target: string;
  /**
   * The BPF link's descriptor. Attachments that are not BPF links (a classic tc filter, a socket
   * filter) hold what they detach with in `also` and have none.
   */
  readonly fd: Fd | undefined;
  #closed = false;
  readonly #also: { close(): void }[];
  #onClose: (() => void) | undefined;

  /**
   * `also`: what the attachment needs and the link releases with itself (the perf event under
   * it, further links of a group, a netlink filter's detach, a USDT spec slot).
   */
  constructor(program: string, target: string, fd: Fd | undefined, also: { close(): void }[] = []) {
    this.program = program;
    this.target = target;
    this.fd = fd;
    this.#also = also;
    live.add(this);
    if (!exitHookInstalled) {
      exitHookInstalled = true;
      // Registered on first use, so it runs before the Fd exit hook (installed at the first Fd, which
      // the link's own fd already is): detach first, then close whatever descriptors remain.
      process.prependOnceListener("exit", closeAllLinks);
    }
  }

  /** One link standing for several (a USDT probe at several sites, a perf_event program on every CPU). */
  static group(program: string, target: string, links: Link[], also: { close(): void }[] = []): Link {
    const [first, ...rest] = links;
    if (!first) throw new Error(`tsbpf: empty link group for ${target}`);
    for (const l of links) live.delete(l); // the group owns them now
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
    return this.#closed;
  }

  /** The BPF link's descriptor; a clear error for attachments that are not BPF links. */
  get linkFd(): Fd {
    if (!this.fd) throw new BpfError(`${this} is not a BPF link (it is attached another way), so it has no link descriptor, id or pin`);
    return this.fd;
  }

  /** The kernel's link id (bpftool link show id N). Kernel 5.8. */
  id(): number {
    return this.info().id;
  }

  /** The kernel's view of the link: id, type, program id (BPF_OBJ_GET_INFO_BY_FD on the link). Kernel 5.8. */
  info(): { id: number; type: number; programId: number } {
    const info = new Uint8Array(64);
    objGetInfo(this.linkFd, info);
    const v = new DataView(info.buffer);
    return { type: v.getUint32(0, littleEndian), id: v.getUint32(4, littleEndian), programId: v.getUint32(8, littleEndian) };
  }

  /** Pins the link on bpffs so that the attachment outlives the process. Kernel 5.7. */
  pin(path: string): void {
    objPin(this.linkFd, path);
  }

  /** Detaches. Idempotent. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    live.delete(this);
    const errors: unknown[] = [];
    for (const part of [this.fd, ...this.#also]) {
      try {
        part?.close();
      } catch (error) {
        errors.push(error);
      }
    }
    this.#onClose?.();
    this.#onClose = undefined;
    if (errors.length) throw errors[0];
  }

  [Symbol.dispose](): void {
    this.close();
  }

  toString(): string {
    return `Link(${this.program} → ${this.target}${this.closed ? ", closed" : ""})`;
  }
}
