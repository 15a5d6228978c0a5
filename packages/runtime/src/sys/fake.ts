/**
 * `FakeKernel`: an in-memory stand-in for the door, so that the loader, map handles, ring buffer
 * reader and attachment logic run in tests without root. It decodes the same bpf_attr bytes the
 * kernel would (pointers are resolved through `addressOf`, which hands out fake addresses), keeps
 * maps in memory, records loaded programs, links and perf events, serves virtual files, and
 * plays a ring buffer producer.
 *
 *   const kernel = new FakeKernel();
 *   const restore = useDoor(kernel);
 *   ... loadObject(spec) ...; kernel.programs[0].instructions
 *   restore();
 */
import type { Instruction } from "@tsbpf/object";
import { littleEndian } from "./attr.js";
import { Cmd } from "./bpf.js";
import type { Door, Watch } from "./door.js";
import { Errno } from "./errno.js";

const PAGE = 4096;
const RINGBUF = 27;
/** A user ring buffer has the ring buffer's layout (user space writes, programs drain). */
const USER_RINGBUF = 31;
const ARRAY_TYPES = new Set([2, 6]); // ARRAY, PERCPU_ARRAY
const F_MMAPABLE = 1 << 10;

export interface FakeMap {
  kind: "map";
  type: number;
  keySize: number;
  valueSize: number;
  maxEntries: number;
  flags: number;
  name: string;
  btfFd: number;
  btfKeyTypeId: number;
  btfValueTypeId: number;
  frozen: boolean;
  /** Hash-like maps: hex key → value, in insertion order. */
  entries: Map<string, Uint8Array>;
  /** Array maps: maxEntries × valueSize bytes (page-rounded, so that it can be "mmapped"). */
  storage?: Uint8Array;
  /** Ring buffers: the consumer page and the producer page + data twice. */
  ring?: { consumer: ArrayBuffer; producer: ArrayBuffer; size: number };
}

export interface FakeProgram {
  kind: "prog";
  fd: number;
  type: number;
  name: string;
  license: string;
  instructions: Instruction[];
  expectedAttachType: number;
  flags: number;
  btfFd: number;
  attachBtfId: number;
  funcInfo: { insnOff: number; typeId: number }[];
  lineInfo: { insnOff: number; fileNameOff: number; lineOff: number; lineCol: number }[];
}

export interface FakeLink {
  kind: "link";
  progFd: number;
  targetFd: number;
  attachType: number;
  /** For raw tracepoints: the name. */
  name?: string;
}

export interface FakePerfEvent {
  kind: "perf";
  type: number;
  config: bigint;
  pid: number;
  cpu: number;
  enabled: boolean;
}

type FakeObject = FakeMap | FakeProgram | FakeLink | FakePerfEvent | { kind: "btf"; bytes: Uint8Array } | { kind: "file"; path: string; content: Uint8Array; at: number; pipe: boolean };

/** What a test's verifier says about a program: a log to reject it with, or undefined to accept. */
export type FakeVerifier = (program: FakeProgram) => { log: string; errno?: number } | undefined;

export class FakeKernel implements Door {
  readonly objects = new Map<number, FakeObject>();
  /** Every program loaded, in order (closed ones too). */
  readonly programs: FakeProgram[] = [];
  readonly maps: FakeMap[] = [];
  readonly links: FakeLink[] = [];
  readonly perfEvents: FakePerfEvent[] = [];
  readonly btfs: Uint8Array[] = [];
  readonly mounts: { source: string; target: string; fstype: string }[] = [];
  /** Virtual files by path (tracefs, sysfs, procfs). Directories exist implicitly. */
  readonly files = new Map<string, string>();
  /** Which BTF blobs BPF_BTF_LOAD accepts (default: all): lets tests play an older kernel. */
  btfAccepts: ((blob: Uint8Array) => boolean) | undefined;
  /** Rejects programs as the verifier would (default: accept all). */
  verifier: FakeVerifier | undefined;
  /** bpf() commands that fail with the given errno (e.g. { [Cmd.MAP_CREATE]: Errno.EPERM }). */
  failures = new Map<number, number>();
  /** The fake effective capability mask (all by default). */
  capabilityMask = (1n << 41n) - 1n;
  euid = 0;

  #nextFd = 100;
  #memory = new Map<bigint, ArrayBufferView>();
  #addresses = new WeakMap<ArrayBufferView, bigint>();
  #nextRegion = 1n;
  #watches = new Map<number, Set<(status: number, events: number) => void>>();

  constructor() {
    this.files.set("/sys/kernel/tracing/events/syscalls/sys_enter_write/id", "700\n");
    this.files.set("/sys/kernel/tracing/events/syscalls/sys_enter_getpid/id", "701\n");
    this.files.set("/sys/kernel/tracing/trace_pipe", "");
    this.files.set("/sys/devices/system/cpu/possible", "0-1\n");
    this.files.set("/sys/kernel/btf/vmlinux", "");
  }

  // ---- memory ----

  addressOf(view: ArrayBufferView): bigint {
    let base = this.#addresses.get(view);
    if (base === undefined) {
      base = this.#nextRegion++ << 32n;
      this.#addresses.set(view, base);
      this.#memory.set(base, view);
    }
    return base;
  }

  /** `length` bytes at a fake address (a view into the caller's buffer). */
  bytesAt(address: bigint, length: number): Uint8Array {
    const base = (address >> 32n) << 32n;
    const view = this.#memory.get(base);
    if (!view) throw new Error(`fake kernel: bad address 0x${address.toString(16)}`);
    const offset = Number(address - base);
    if (offset + length > view.byteLength) throw new Error("fake kernel: access beyond the buffer (EFAULT)");
    return new Uint8Array(view.buffer, view.byteOffset + offset, length);
  }

  #cString(address: bigint): string {
    const base = (address >> 32n) << 32n;
    const view = this.#memory.get(base);
    if (!view) return "";
    const bytes = new Uint8Array(view.buffer, view.byteOffset + Number(address - base), view.byteLength - Number(address - base));
    const end = bytes.indexOf(0);
    return new TextDecoder().decode(end < 0 ? bytes : bytes.subarray(0, end));
  }

  #fd(object: FakeObject): number {
    const fd = this.#nextFd++;
    this.objects.set(fd, object);
    return fd;
  }

  /** Descriptors currently open in the fake (for leak checks). */
  openFds(): number[] {
    return [...this.objects.keys()];
  }

  // ---- bpf() ----

  bpf(cmd: number, attr: Uint8Array): number {
    const failure = this.failures.get(cmd);
    if (failure) return -failure;
    const v = new DataView(attr.buffer, attr.byteOffset, attr.byteLength);
    const u32 = (o: number) => (o + 4 <= attr.byteLength ? v.getUint32(o, littleEndian) : 0);
    const u64 = (o: number) => (o + 8 <= attr.byteLength ? v.getBigUint64(o, littleEndian) : 0n);
    switch (cmd) {
      case Cmd.MAP_CREATE:
        return this.#mapCreate(u32, attr);
      case Cmd.MAP_LOOKUP_ELEM:
      case Cmd.MAP_UPDATE_ELEM:
      case Cmd.MAP_DELETE_ELEM:
      case Cmd.MAP_GET_NEXT_KEY:
        return this.#elem(cmd, u32(0), u64(8), u64(16), Number(u64(24)));
      case Cmd.MAP_FREEZE: {
        const map = this.objects.get(u32(0));
        if (map?.kind !== "map") return -Errno.EBADF;
        map.frozen = true;
        return 0;
      }
      case Cmd.BTF_LOAD: {
        const bytes = this.bytesAt(u64(0), u32(16)).slice();
        if (this.btfAccepts && !this.btfAccepts(bytes)) return -Errno.EINVAL;
        this.btfs.push(bytes);
        return this.#fd({ kind: "btf", bytes });
      }
      case Cmd.PROG_LOAD:
        return this.#progLoad(u32, u64, attr);
      case Cmd.LINK_CREATE: {
        const prog = this.objects.get(u32(0));
        if (prog?.kind !== "prog") return -Errno.EBADF;
        const target = this.objects.get(u32(4));
        if (!target) return -Errno.EBADF;
        const link: FakeLink = { kind: "link", progFd: u32(0), targetFd: u32(4), attachType: u32(8) };
        this.links.push(link);
        return this.#fd(link);
      }
      case Cmd.RAW_TRACEPOINT_OPEN: {
        const prog = this.objects.get(u32(8));
        if (prog?.kind !== "prog") return -Errno.EBADF;
        const name = u64(0) ? this.#cString(u64(0)) : undefined;
        if (name !== undefined && !this.files.has(`/sys/kernel/tracing/events/raw/${name}`) && name !== "sys_enter" && name !== "sched_switch") return -Errno.ENOENT;
        const link: FakeLink = { kind: "link", progFd: u32(8), targetFd: 0, attachType: 0, name };
        this.links.push(link);
        return this.#fd(link);
      }
      case Cmd.OBJ_GET_INFO_BY_FD: {
        const object = this.objects.get(u32(0));
        if (!object) return -Errno.EBADF;
        const info = this.bytesAt(u64(8), u32(4));
        const iv = new DataView(info.buffer, info.byteOffset, info.byteLength);
        if (object.kind === "map" && info.length >= 24) {
          iv.setUint32(0, object.type, littleEndian);
          iv.setUint32(4, u32(0), littleEndian);
          iv.setUint32(8, object.keySize, littleEndian);
          iv.setUint32(12, object.valueSize, littleEndian);
          iv.setUint32(16, object.maxEntries, littleEndian);
          iv.setUint32(20, object.flags, littleEndian);
        } else if (info.length >= 8) {
          iv.setUint32(4, u32(0), littleEndian);
        }
        return 0;
      }
      case Cmd.OBJ_GET:
        return -Errno.ENOENT;
      case Cmd.OBJ_PIN:
        return 0;
      case Cmd.PROG_TEST_RUN:
        return -Errno.EOPNOTSUPP;
      default:
        return -Errno.EINVAL;
    }
  }

  #mapCreate(u32: (o: number) => number, attr: Uint8Array): number {
    const nameBytes = attr.subarray(28, 44);
    const end = nameBytes.indexOf(0);
    const map: FakeMap = {
      kind: "map",
      type: u32(0),
      keySize: u32(4),
      valueSize: u32(8),
      maxEntries: u32(12),
      flags: u32(16),
      name: new TextDecoder().decode(end < 0 ? nameBytes : nameBytes.subarray(0, end)),
      btfFd: u32(48),
      btfKeyTypeId: u32(52),
      btfValueTypeId: u32(56),
      frozen: false,
      entries: new Map(),
    };
    if (map.type === RINGBUF || map.type === USER_RINGBUF) {
      const size = map.maxEntries;
      if (map.keySize || map.valueSize || size < PAGE || size % PAGE || (size & (size - 1))) return -Errno.EINVAL;
      map.ring = { consumer: new ArrayBuffer(PAGE), producer: new ArrayBuffer(PAGE + 2 * size), size };
    } else {
      if (!map.maxEntries || !map.valueSize) return -Errno.EINVAL;
      if (ARRAY_TYPES.has(map.type)) {
        if (map.keySize !== 4) return -Errno.EINVAL;
        map.storage = new Uint8Array(Math.ceil((map.maxEntries * map.valueSize) / PAGE) * PAGE);
      }
    }
    this.maps.push(map);
    return this.#fd(map);
  }

  #elem(cmd: number, fd: number, keyAddr: bigint, valueAddr: bigint, flags: number): number {
    const map = this.objects.get(fd);
    if (map?.kind !== "map") return -Errno.EBADF;
    if (map.ring) return -Errno.EINVAL;
    const key = keyAddr ? this.bytesAt(keyAddr, map.keySize) : undefined;
    if (map.storage) {
      const index = key ? new DataView(key.buffer, key.byteOffset, 4).getUint32(0, littleEndian) : -1;
      const slot = (i: number) => map.storage!.subarray(i * map.valueSize, (i + 1) * map.valueSize);
      switch (cmd) {
        case Cmd.MAP_LOOKUP_ELEM:
          if (index < 0 || index >= map.maxEntries) return -Errno.ENOENT;
          this.bytesAt(valueAddr, map.valueSize).set(slot(index));
          return 0;
        case Cmd.MAP_UPDATE_ELEM:
          if (map.frozen) return -Errno.EPERM;
          if (index < 0 || index >= map.maxEntries) return -Errno.E2BIG;
          if (flags === 1) return -Errno.EEXIST;
          slot(index).set(this.bytesAt(valueAddr, map.valueSize));
          return 0;
        case Cmd.MAP_DELETE_ELEM:
          return -Errno.EINVAL;
        default: {
          const next = index < 0 || index >= map.maxEntries ? 0 : index + 1;
          if (next >= map.maxEntries) return -Errno.ENOENT;
          new DataView(this.bytesAt(valueAddr, 4).buffer, this.bytesAt(valueAddr, 4).byteOffset, 4).setUint32(0, next, littleEndian);
          return 0;
        }
      }
    }
    const hex = key ? Buffer.from(key).toString("hex") : undefined;
    switch (cmd) {
      case Cmd.MAP_LOOKUP_ELEM: {
        const value = hex === undefined ? undefined : map.entries.get(hex);
        if (!value) return -Errno.ENOENT;
        this.bytesAt(valueAddr, map.valueSize).set(value);
        return 0;
      }
      case Cmd.MAP_UPDATE_ELEM: {
        if (hex === undefined) return -Errno.EINVAL;
        if (map.frozen) return -Errno.EPERM;
        const exists = map.entries.has(hex);
        if (flags === 1 && exists) return -Errno.EEXIST;
        if (flags === 2 && !exists) return -Errno.ENOENT;
        if (!exists && map.entries.size >= map.maxEntries) return -Errno.E2BIG;
        map.entries.set(hex, this.bytesAt(valueAddr, map.valueSize).slice());
        return 0;
      }
      case Cmd.MAP_DELETE_ELEM:
        return hex !== undefined && map.entries.delete(hex) ? 0 : -Errno.ENOENT;
      default: {
        const keys = [...map.entries.keys()];
        const at = hex === undefined ? -1 : keys.indexOf(hex);
        const next = keys[at + 1]; // a missing key restarts from the first, as hash maps do
        if (next === undefined) return -Errno.ENOENT;
        this.bytesAt(valueAddr, map.keySize).set(Buffer.from(next, "hex"));
        return 0;
      }
    }
  }

  #progLoad(u32: (o: number) => number, u64: (o: number) => bigint, attr: Uint8Array): number {
    const count = u32(4);
    const raw = this.bytesAt(u64(8), count * 8);
    const rv = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
    const instructions: Instruction[] = [];
    for (let i = 0; i < count; i++) {
      const regs = rv.getUint8(i * 8 + 1);
      instructions.push({ code: rv.getUint8(i * 8), dst: regs & 0xf, src: regs >> 4, off: rv.getInt16(i * 8 + 2, littleEndian), imm: rv.getInt32(i * 8 + 4, littleEndian) });
    }
    const nameField = attr.subarray(48, 64);
    const nameEnd = nameField.indexOf(0);
    const name = new TextDecoder().decode(nameEnd < 0 ? nameField : nameField.subarray(0, nameEnd));
    const funcInfo = [];
    for (let i = 0; i < u32(88); i++) {
      const rec = new DataView(this.bytesAt(u64(80) + BigInt(i * u32(76)), 8).slice().buffer);
      funcInfo.push({ insnOff: rec.getUint32(0, littleEndian), typeId: rec.getUint32(4, littleEndian) });
    }
    const lineInfo = [];
    for (let i = 0; i < u32(104); i++) {
      const rec = new DataView(this.bytesAt(u64(96) + BigInt(i * u32(92)), 16).slice().buffer);
      lineInfo.push({ insnOff: rec.getUint32(0, littleEndian), fileNameOff: rec.getUint32(4, littleEndian), lineOff: rec.getUint32(8, littleEndian), lineCol: rec.getUint32(12, littleEndian) });
    }
    const program: FakeProgram = {
      kind: "prog",
      fd: -1,
      type: u32(0),
      name,
      license: this.#cString(u64(16)),
      instructions,
      expectedAttachType: u32(68),
      flags: u32(44),
      btfFd: u32(72),
      attachBtfId: u32(108),
      funcInfo,
      lineInfo,
    };
    const rejection = this.verifier?.(program);
    if (rejection) {
      const logLevel = u32(24);
      const logSize = u32(28);
      if (logLevel && logSize && u64(32)) {
        const text = new TextEncoder().encode(rejection.log);
        const buf = this.bytesAt(u64(32), logSize);
        buf.fill(0);
        buf.set(text.subarray(0, logSize - 1));
      }
      return -(rejection.errno ?? Errno.EACCES);
    }
    program.fd = this.#fd(program);
    this.programs.push(program);
    return program.fd;
  }

  // ---- other calls ----

  perfEventOpen(attr: Uint8Array, pid: number, cpu: number): number {
    const v = new DataView(attr.buffer, attr.byteOffset, attr.byteLength);
    const event: FakePerfEvent = { kind: "perf", type: v.getUint32(0, littleEndian), config: v.getBigUint64(8, littleEndian), pid, cpu, enabled: false };
    this.perfEvents.push(event);
    return this.#fd(event);
  }

  ioctl(fd: number, request: number): number {
    const object = this.objects.get(fd);
    if (!object) return -Errno.EBADF;
    if (object.kind === "perf" && request === 0x2400) object.enabled = true;
    return 0;
  }

  open(path: string): number {
    const content = this.files.get(path);
    if (content === undefined) {
      const isDir = [...this.files.keys()].some((p) => p.startsWith(`${path}/`));
      if (!isDir) return -Errno.ENOENT;
      return this.#fd({ kind: "file", path, content: new Uint8Array(0), at: 0, pipe: false });
    }
    return this.#fd({ kind: "file", path, content: new TextEncoder().encode(content), at: 0, pipe: path.endsWith("trace_pipe") });
  }

  read(fd: number, into: ArrayBufferView): number {
    const file = this.objects.get(fd);
    if (file?.kind !== "file") return -Errno.EBADF;
    if (file.pipe) {
      const content = new TextEncoder().encode(this.files.get(file.path) ?? "");
      if (content.length === 0) return -Errno.EAGAIN;
      this.files.set(file.path, "");
      const n = Math.min(content.length, into.byteLength);
      new Uint8Array(into.buffer, into.byteOffset, n).set(content.subarray(0, n));
      if (n < content.length) this.files.set(file.path, new TextDecoder().decode(content.subarray(n)));
      return n;
    }
    const n = Math.min(file.content.length - file.at, into.byteLength);
    new Uint8Array(into.buffer, into.byteOffset, n).set(file.content.subarray(file.at, file.at + n));
    file.at += n;
    return n;
  }

  close(fd: number): number {
    if (!this.objects.delete(fd)) return -Errno.EBADF;
    this.#watches.delete(fd);
    return 0;
  }

  mount(source: string, target: string, fstype: string): number {
    this.mounts.push({ source, target, fstype });
    return 0;
  }

  mmap(fd: number, length: number, prot: number, _flags: number, offset: number): ArrayBuffer | number {
    void prot;
    const map = this.objects.get(fd);
    if (map?.kind !== "map") return -Errno.EBADF;
    if (map.ring) {
      if (offset === 0 && length === PAGE) return map.ring.consumer;
      if (offset === PAGE && length === PAGE + 2 * map.ring.size) return map.ring.producer;
      return -Errno.EINVAL;
    }
    if (map.storage && (map.flags & F_MMAPABLE) && offset === 0 && length <= map.storage.byteLength) return map.storage.buffer as ArrayBuffer;
    return -Errno.EINVAL;
  }

  munmap(buffer: ArrayBuffer): number {
    void buffer;
    return 0;
  }

  watchReadable(fd: number, callback: (status: number, events: number) => void): Watch | number {
    if (!this.objects.has(fd)) return -Errno.EBADF;
    let set = this.#watches.get(fd);
    if (!set) this.#watches.set(fd, (set = new Set()));
    set.add(callback);
    // Level-triggered: already readable means an event right away.
    if (this.#readable(fd)) setImmediate(() => this.#watches.get(fd)?.has(callback) && callback(0, 1));
    return {
      close: () => {
        this.#watches.get(fd)?.delete(callback);
      },
      ref: () => undefined,
      unref: () => undefined,
    };
  }

  #readable(fd: number): boolean {
    const object = this.objects.get(fd);
    if (object?.kind === "map" && object.ring) {
      const consumer = new BigUint64Array(object.ring.consumer, 0, 1)[0]!;
      const producer = new BigUint64Array(object.ring.producer, 0, 1)[0]!;
      return consumer < producer;
    }
    if (object?.kind === "file" && object.pipe) return (this.files.get(object.path) ?? "") !== "";
    return false;
  }

  /** Wakes the watchers of `fd` if it is readable (what the kernel's wake-up does). */
  notify(fd: number): void {
    if (!this.#readable(fd)) return;
    for (const callback of [...(this.#watches.get(fd) ?? [])]) setImmediate(() => callback(0, 1));
  }

  strerror(errno: number): string {
    return `errno ${errno}`;
  }

  geteuid(): number {
    return this.euid;
  }

  pageSize(): number {
    return PAGE;
  }

  capabilities(): bigint | number {
    return this.capabilityMask;
  }

  // ---- test helpers ----

  /** The fake map behind `fd`. */
  // Sockets, namespaces and epoll are not simulated: tests of them run on the real kernel.
  write(): number {
    return -38;
  }
  socket(): number {
    return -38;
  }
  bind(): number {
    return -38;
  }
  setsockopt(): number {
    return -38;
  }
  sendto(): number {
    return -38;
  }
  recv(): number {
    return -38;
  }
  setns(): number {
    return -38;
  }
  ifNameToIndex(): number {
    return -19;
  }
  epollCreate(): number {
    return -38;
  }
  epollCtl(): number {
    return -38;
  }
  epollWait(): number {
    return -38;
  }

  map(fd: number): FakeMap {
    const map = this.objects.get(fd);
    if (map?.kind !== "map") throw new Error(`fake kernel: fd ${fd} is not a map`);
    return map;
  }

  /** The open fake map named `name` (kernel name, i.e. cut to 15 chars). */
  mapNamed(name: string): FakeMap {
    for (const object of this.objects.values()) if (object.kind === "map" && object.name === name) return object;
    throw new Error(`fake kernel: no open map named ${name}`);
  }

  /**
   * Produces a ring buffer record as bpf_ringbuf_submit would (or leaves it BUSY, or discards
   * it), then wakes the reader. Returns false when the ring is full.
   */
  ringbufWrite(fd: number, payload: Uint8Array, options: { discard?: boolean; busy?: boolean; wake?: boolean } = {}): boolean {
    const ring = this.map(fd).ring;
    if (!ring) throw new Error("fake kernel: not a ring buffer");
    const consumer = Number(new BigUint64Array(ring.consumer, 0, 1)[0]);
    const producerPos = new BigUint64Array(ring.producer, 0, 1);
    const producer = Number(producerPos[0]);
    const total = Math.ceil((payload.length + 8) / 8) * 8;
    if (producer + total - consumer > ring.size) return false;
    const data = new Uint8Array(ring.producer, PAGE, 2 * ring.size);
    const header = new Uint8Array(8);
    const hv = new DataView(header.buffer);
    hv.setUint32(0, payload.length | (options.busy ? 0x80000000 : 0) | (options.discard ? 0x40000000 : 0), littleEndian);
    const record = new Uint8Array(total);
    record.set(header);
    record.set(payload, 8);
    // The data pages are mapped twice: write each byte at both of its addresses.
    for (let i = 0; i < total; i++) {
      const at = (producer + i) % ring.size;
      data[at] = record[i]!;
      data[at + ring.size] = record[i]!;
    }
    producerPos[0] = BigInt(producer + total);
    if (options.wake !== false) this.notify(fd);
    return true;
  }

  /** Clears the BUSY bit of the record at ring position `position` (a late submit). */
  ringbufCommit(fd: number, position: number): void {
    const ring = this.map(fd).ring!;
    const data = new DataView(ring.producer, PAGE, 2 * ring.size);
    const at = position % ring.size;
    const header = data.getUint32(at, littleEndian) & ~0x80000000;
    data.setUint32(at, header >>> 0, littleEndian);
    data.setUint32(at + ring.size, header >>> 0, littleEndian);
    this.notify(fd);
  }

  /** Appends text to the fake trace_pipe and wakes its readers. */
  tracePrint(text: string): void {
    const path = "/sys/kernel/tracing/trace_pipe";
    this.files.set(path, (this.files.get(path) ?? "") + text);
    for (const [fd, object] of this.objects) if (object.kind === "file" && object.pipe) this.notify(fd);
  }
}
