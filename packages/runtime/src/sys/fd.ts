/**
 * `Fd`: ownership of one file descriptor. Closing is idempotent, use after close is a clear error
 * (never a silently reused descriptor number), and whatever is still open when the process exits
 * is closed by an exit hook rather than left to a FinalizationRegistry, whose timing is unknowable.
 */
import { door } from "./door.js";

const open = new Set<Fd>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once("exit", closeAllFds);
}

/** Closes every Fd still open (the exit hook; tests use it to prove nothing leaks). */
export function closeAllFds(): void {
  for (const fd of [...open]) fd.close();
}

/** How many Fds this process holds open right now. */
export function openFdCount(): number {
  return open.size;
}

export class Fd {
  #fd: number;
  /** What the descriptor is, for error messages ("map events", "prog handle_write", "perf event"). */
  readonly label: string;

  constructor(fd: number, label: string) {
    if (!Number.isInteger(fd) || fd < 0) throw new RangeError(`invalid file descriptor ${fd} for ${label}`);
    this.#fd = fd;
    this.label = label;
    installExitHook();
    open.add(this);
  }

  /** The descriptor number; throws once closed. */
  get raw(): number {
    if (this.#fd < 0) throw new Error(`tsbpf: ${this.label} is closed`);
    return this.#fd;
  }

  get closed(): boolean {
    return this.#fd < 0;
  }

  close(): void {
    if (this.#fd < 0) return;
    const fd = this.#fd;
    this.#fd = -1;
    open.delete(this);
    door().close(fd);
  }

  [Symbol.dispose](): void {
    this.close();
  }

  toString(): string {
    return this.#fd < 0 ? `Fd(${this.label}, closed)` : `Fd(${this.#fd}, ${this.label})`;
  }
}
