/**
 * The one door to the kernel. Every raw call the runtime makes goes through a `Door`: the native
 * shim in production (native.ts), an in-memory fake in tests (fake.ts). Nothing outside
 * `src/sys` calls a Door directly; the rest of the runtime uses the typed wrappers next to it.
 *
 * Conventions follow the kernel's: calls return a non-negative result or `-errno`.
 */

/** A readiness watch on a file descriptor, driven by the Node event loop (libuv `uv_poll`). */
export interface Watch {
  /** Stops watching; idempotent. After close the watch never keeps the process alive. */
  close(): void;
  /** Keeps the process alive while the watch is active (the default). */
  ref(): void;
  /** Lets the process exit even though the watch is active. */
  unref(): void;
}

export interface Door {
  bpf(cmd: number, attr: Uint8Array): number;
  /** Address of a view's first byte, to put in a bpf_attr. The view must stay referenced until the call returns. */
  addressOf(view: ArrayBufferView): bigint;
  perfEventOpen(attr: Uint8Array, pid: number, cpu: number, groupFd: number, flags: number): number;
  ioctl(fd: number, request: number, arg: number | bigint): number;
  open(path: string, flags: number, mode?: number): number;
  /** Non-blocking when the fd was opened O_NONBLOCK: returns -EAGAIN when nothing is ready. */
  read(fd: number, into: ArrayBufferView): number;
  close(fd: number): number;
  mount(source: string, target: string, fstype: string, flags: number, data?: string): number;
  /** A shared mapping as an ArrayBuffer (no copy), or -errno. */
  mmap(fd: number, length: number, prot: number, flags: number, offset: number): ArrayBuffer | number;
  /** Detaches the ArrayBuffer (later access sees length 0, never freed memory) and unmaps it. */
  munmap(buffer: ArrayBuffer): number;
  /** Calls back (status, events) on the event loop whenever `fd` is readable; -errno if it cannot be polled. */
  watchReadable(fd: number, callback: (status: number, events: number) => void): Watch | number;
  strerror(errno: number): string;
  geteuid(): number;
  /** sysconf(_SC_PAGESIZE). */
  pageSize(): number;
  /** The effective capability set as a 64-bit mask, or -errno. */
  capabilities(): bigint | number;
  write(fd: number, from: ArrayBufferView): number;
  /** socket(2), always with SOCK_CLOEXEC. */
  socket(domain: number, type: number, protocol: number): number;
  bind(fd: number, sockaddr: Uint8Array): number;
  setsockopt(fd: number, level: number, name: number, value: Uint8Array): number;
  sendto(fd: number, data: ArrayBufferView, flags: number, sockaddr?: Uint8Array): number;
  recv(fd: number, into: ArrayBufferView, flags: number): number;
  /** setns(2): moves the calling thread (the JS thread) into the namespace behind `fd`. */
  setns(fd: number, nstype: number): number;
  /** if_nametoindex(3) in the calling thread's network namespace. */
  ifNameToIndex(name: string): number;
  epollCreate(): number;
  /** epoll_ctl(2); the event's data is the fd itself. */
  epollCtl(epfd: number, op: number, fd: number, events: number): number;
  /** epoll_wait(2) with timeout 0: writes the ready fds into `fds`, returns how many. */
  epollWait(epfd: number, fds: Int32Array): number;
}

let current: Door | undefined;
let factory: (() => Door) | undefined;

/** Registers how the production door is made (native.ts does this; kept lazy so a missing shim only fails when used). */
export function setDoorFactory(make: () => Door): void {
  factory = make;
}

/** The door in use. */
export function door(): Door {
  if (current) return current;
  if (!factory) throw new Error("tsbpf: no kernel door registered (import @tsbpf/runtime's sys/native.js)");
  current = factory();
  return current;
}

/**
 * Replaces the door (tests: `useDoor(new FakeKernel())`). Returns a function that restores the
 * previous one.
 */
export function useDoor(replacement: Door): () => void {
  const previous = current;
  current = replacement;
  return () => {
    current = previous;
  };
}
