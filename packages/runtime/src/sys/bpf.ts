/**
 * Typed wrappers over bpf(2). Each builds its command's part of `union bpf_attr` as laid out in
 * include/uapi/linux/bpf.h (offsets checked against the header), calls the door, and turns
 * failures into BpfError / PermissionError. Commands that the loader retries (PROG_LOAD,
 * BTF_LOAD) return the raw outcome instead of throwing.
 */
import { BpfError, PermissionError } from "../errors.js";
import { Attr, readCString } from "./attr.js";
import { missingCapability } from "./capabilities.js";
import { door } from "./door.js";
import { Errno } from "./errno.js";
import { Fd } from "./fd.js";

/** `enum bpf_cmd`. */
export const Cmd = {
  MAP_CREATE: 0,
  MAP_LOOKUP_ELEM: 1,
  MAP_UPDATE_ELEM: 2,
  MAP_DELETE_ELEM: 3,
  MAP_GET_NEXT_KEY: 4,
  PROG_LOAD: 5,
  OBJ_PIN: 6,
  OBJ_GET: 7,
  PROG_ATTACH: 8,
  PROG_DETACH: 9,
  PROG_TEST_RUN: 10,
  PROG_GET_NEXT_ID: 11,
  MAP_GET_NEXT_ID: 12,
  PROG_GET_FD_BY_ID: 13,
  MAP_GET_FD_BY_ID: 14,
  OBJ_GET_INFO_BY_FD: 15,
  RAW_TRACEPOINT_OPEN: 17,
  BTF_LOAD: 18,
  BTF_GET_FD_BY_ID: 19,
  MAP_LOOKUP_AND_DELETE_ELEM: 21,
  MAP_FREEZE: 22,
  MAP_LOOKUP_BATCH: 24,
  MAP_LOOKUP_AND_DELETE_BATCH: 25,
  MAP_UPDATE_BATCH: 26,
  MAP_DELETE_BATCH: 27,
  LINK_CREATE: 28,
  LINK_GET_NEXT_ID: 31,
  ITER_CREATE: 33,
} as const;

const cmdNames = Object.fromEntries(Object.entries(Cmd).map(([k, v]) => [v, `BPF_${k}`])) as Record<number, string>;

/** Map update flags. */
export const UpdateFlags = { ANY: 0, NOEXIST: 1, EXIST: 2, LOCK: 4 } as const;

/** BPF_OBJ_NAME_LEN: names are cut to 15 bytes plus NUL. */
export const OBJ_NAME_LEN = 16;

/** The kernel accepts only [A-Za-z0-9_.] in object names; anything else becomes '_'. */
export function kernelObjectName(name: string): string {
  return name.replace(/[^A-Za-z0-9_.]/g, "_").slice(0, OBJ_NAME_LEN - 1);
}

/** Raw call: result (>= 0) or -errno. */
export function bpf(cmd: number, attr: Attr): number {
  return door().bpf(cmd, attr.bytes);
}

/** The error for a failed command: PermissionError when EPERM is explained by a missing capability. */
export function bpfFailure(cmd: number, errno: number, what?: string): BpfError {
  const syscall = cmdNames[cmd] ?? `bpf(${cmd})`;
  if (Math.abs(errno) === Errno.EPERM) {
    const missing = missingCapability("CAP_BPF");
    if (missing) return new PermissionError(`${syscall}${what ? ` (${what})` : ""}`, missing, { errno, syscall });
  }
  return BpfError.fromErrno(syscall, errno, what);
}

function check(cmd: number, result: number, what?: string): number {
  if (result < 0) throw bpfFailure(cmd, -result, what);
  return result;
}

// ---- maps ----

export interface MapCreateAttr {
  type: number;
  keySize: number;
  valueSize: number;
  maxEntries: number;
  flags?: number;
  name?: string;
  innerMapFd?: number;
  numaNode?: number;
  btfFd?: number;
  btfKeyTypeId?: number;
  btfValueTypeId?: number;
  btfVmlinuxValueTypeId?: number;
  mapExtra?: bigint;
}

/** BPF_MAP_CREATE: result or -errno (the loader retries some failures). Kernel 3.18; names 4.15; BTF ids 4.18. */
export function mapCreateRaw(a: MapCreateAttr): number {
  const attr = new Attr(80)
    .u32(0, a.type)
    .u32(4, a.keySize)
    .u32(8, a.valueSize)
    .u32(12, a.maxEntries)
    .u32(16, a.flags ?? 0)
    .u32(20, a.innerMapFd ?? 0)
    .u32(24, a.numaNode ?? 0)
    .chars(28, OBJ_NAME_LEN, kernelObjectName(a.name ?? ""))
    .u32(48, a.btfFd ?? 0)
    .u32(52, a.btfKeyTypeId ?? 0)
    .u32(56, a.btfValueTypeId ?? 0)
    .u32(60, a.btfVmlinuxValueTypeId ?? 0)
    .u64(64, a.mapExtra ?? 0n);
  return bpf(Cmd.MAP_CREATE, attr);
}

export function mapCreate(a: MapCreateAttr): Fd {
  const fd = check(Cmd.MAP_CREATE, mapCreateRaw(a), a.name ? `map ${a.name}` : undefined);
  return new Fd(fd, `map ${a.name ?? "(anonymous)"}`);
}

function elemAttr(map: Fd, key: Uint8Array | undefined, valueOrNext: Uint8Array | undefined, flags: number): Attr {
  return new Attr(32).u32(0, map.raw).pointer(8, key).pointer(16, valueOrNext).u64(24, flags);
}

/** BPF_MAP_LOOKUP_ELEM into `value`; false when the key is absent. Kernel 3.18. */
export function mapLookup(map: Fd, key: Uint8Array | undefined, value: Uint8Array, flags = 0): boolean {
  const r = bpf(Cmd.MAP_LOOKUP_ELEM, elemAttr(map, key, value, flags));
  if (r === -Errno.ENOENT) return false;
  check(Cmd.MAP_LOOKUP_ELEM, r, map.label);
  return true;
}

/** BPF_MAP_UPDATE_ELEM. Kernel 3.18. */
export function mapUpdate(map: Fd, key: Uint8Array, value: Uint8Array, flags = 0): void {
  check(Cmd.MAP_UPDATE_ELEM, bpf(Cmd.MAP_UPDATE_ELEM, elemAttr(map, key, value, flags)), map.label);
}

/** BPF_MAP_UPDATE_ELEM returning the raw result (a negative errno) for callers that type the failure. Kernel 3.18. */
export function mapUpdateRaw(map: Fd, key: Uint8Array, value: Uint8Array, flags = 0): number {
  return bpf(Cmd.MAP_UPDATE_ELEM, elemAttr(map, key, value, flags));
}

/** BPF_MAP_DELETE_ELEM; false when the key was absent. Kernel 3.18. */
export function mapDelete(map: Fd, key: Uint8Array): boolean {
  const r = bpf(Cmd.MAP_DELETE_ELEM, elemAttr(map, key, undefined, 0));
  if (r === -Errno.ENOENT) return false;
  check(Cmd.MAP_DELETE_ELEM, r, map.label);
  return true;
}

/**
 * BPF_MAP_GET_NEXT_KEY: writes the key after `key` (the first key when undefined) into `next`;
 * false at the end. Kernel 3.18 (first key with a NULL key: 4.12).
 */
export function mapGetNextKey(map: Fd, key: Uint8Array | undefined, next: Uint8Array): boolean {
  const r = bpf(Cmd.MAP_GET_NEXT_KEY, elemAttr(map, key, next, 0));
  if (r === -Errno.ENOENT) return false;
  check(Cmd.MAP_GET_NEXT_KEY, r, map.label);
  return true;
}

/** BPF_MAP_FREEZE: no more writes from user space. Kernel 5.2. */
export function mapFreeze(map: Fd): void {
  check(Cmd.MAP_FREEZE, bpf(Cmd.MAP_FREEZE, new Attr(8).u32(0, map.raw)), map.label);
}

// ---- BTF ----

export interface LoadOutcome {
  /** The new descriptor, or -errno. */
  result: number;
  /** The kernel's log ("" when none was asked for). */
  log: string;
  /** The log size the kernel needed (kernel 6.4+; 0 before). */
  logTrueSize: number;
}

/** BPF_BTF_LOAD with an optional log. Kernel 4.18 (log_true_size 6.4). */
export function btfLoadRaw(blob: Uint8Array, logLevel = 0, logSize = 0): LoadOutcome {
  const log = logLevel ? new Uint8Array(logSize) : undefined;
  const attr = new Attr(40)
    .pointer(0, blob)
    .pointer(8, log)
    .u32(16, blob.byteLength)
    .u32(20, log ? logSize : 0)
    .u32(24, logLevel);
  const result = bpf(Cmd.BTF_LOAD, attr);
  return { result, log: log ? readCString(log) : "", logTrueSize: attr.getU32(28) };
}

// ---- programs ----

export interface ProgLoadAttr {
  type: number;
  /** Encoded instructions (8 bytes each). */
  insns: Uint8Array;
  license: string;
  name: string;
  expectedAttachType?: number;
  flags?: number;
  kernVersion?: number;
  logLevel?: number;
  logSize?: number;
  btfFd?: number;
  /** func_info records, 8 bytes each. */
  funcInfo?: Uint8Array;
  /** line_info records, 16 bytes each. */
  lineInfo?: Uint8Array;
  attachBtfId?: number;
  attachBtfObjFd?: number;
  ifindex?: number;
  /** struct bpf_core_relo records (16 bytes each) for the kernel to apply (kernel 5.17). */
  coreRelos?: Uint8Array;
}

export const FUNC_INFO_REC_SIZE = 8;
export const LINE_INFO_REC_SIZE = 16;
export const CORE_RELO_REC_SIZE = 16;

/** BPF_PROG_LOAD. Kernel 3.18; names 4.15; BTF func/line info 5.0; log_true_size 6.4. */
/** libbpf's PROG_LOAD_ATTEMPTS. */
const PROG_LOAD_ATTEMPTS = 5;

export function progLoadRaw(a: ProgLoadAttr): LoadOutcome {
  const logLevel = a.logLevel ?? 0;
  const logSize = logLevel ? a.logSize ?? 0 : 0;
  const log = logSize ? new Uint8Array(logSize) : undefined;
  const license = new TextEncoder().encode(`${a.license}\0`);
  const attr = new Attr(152)
    .u32(0, a.type)
    .u32(4, a.insns.byteLength / 8)
    .pointer(8, a.insns)
    .pointer(16, license)
    .u32(24, log ? logLevel : 0)
    .u32(28, logSize)
    .pointer(32, log)
    .u32(40, a.kernVersion ?? 0)
    .u32(44, a.flags ?? 0)
    .chars(48, OBJ_NAME_LEN, kernelObjectName(a.name))
    .u32(64, a.ifindex ?? 0)
    .u32(68, a.expectedAttachType ?? 0)
    .u32(72, a.btfFd ?? 0);
  if (a.funcInfo && a.funcInfo.byteLength) {
    attr.u32(76, FUNC_INFO_REC_SIZE).pointer(80, a.funcInfo).u32(88, a.funcInfo.byteLength / FUNC_INFO_REC_SIZE);
  }
  if (a.lineInfo && a.lineInfo.byteLength) {
    attr.u32(92, LINE_INFO_REC_SIZE).pointer(96, a.lineInfo).u32(104, a.lineInfo.byteLength / LINE_INFO_REC_SIZE);
  }
  attr.u32(108, a.attachBtfId ?? 0).u32(112, a.attachBtfObjFd ?? 0);
  if (a.coreRelos && a.coreRelos.byteLength) {
    attr.u32(116, a.coreRelos.byteLength / CORE_RELO_REC_SIZE).pointer(128, a.coreRelos).u32(136, CORE_RELO_REC_SIZE);
  }
  // The verifier gives up with EAGAIN when a signal is pending (a profiler's SIGPROF, a timer):
  // libbpf retries the load, up to 5 attempts in all, and so does this.
  let result = bpf(Cmd.PROG_LOAD, attr);
  for (let attempt = 1; result === -Errno.EAGAIN && attempt < PROG_LOAD_ATTEMPTS; attempt++) result = bpf(Cmd.PROG_LOAD, attr);
  return { result, log: log ? readCString(log) : "", logTrueSize: attr.getU32(140) };
}

export interface TestRunAttr {
  data?: Uint8Array;
  /** Room for the output packet (defaults to the input's size when data is given). */
  dataOut?: Uint8Array;
  ctx?: Uint8Array;
  ctxOut?: Uint8Array;
  repeat?: number;
  flags?: number;
  cpu?: number;
}

export interface TestRunResult {
  retval: number;
  /** Average run time in nanoseconds. */
  duration: number;
  dataSizeOut: number;
  ctxSizeOut: number;
}

/** BPF_PROG_TEST_RUN. Kernel 4.12 (ctx 5.2, raw_tp 5.10, syscall programs 5.14). */
export function progTestRun(prog: Fd, a: TestRunAttr): TestRunResult {
  const attr = new Attr(80)
    .u32(0, prog.raw)
    .u32(8, a.data?.byteLength ?? 0)
    .u32(12, a.dataOut?.byteLength ?? 0)
    .pointer(16, a.data)
    .pointer(24, a.dataOut)
    .u32(32, a.repeat ?? 0)
    .u32(40, a.ctx?.byteLength ?? 0)
    .u32(44, a.ctxOut?.byteLength ?? 0)
    .pointer(48, a.ctx)
    .pointer(56, a.ctxOut)
    .u32(64, a.flags ?? 0)
    .u32(68, a.cpu ?? 0);
  check(Cmd.PROG_TEST_RUN, bpf(Cmd.PROG_TEST_RUN, attr), prog.label);
  return {
    retval: attr.getU32(4),
    duration: attr.getU32(36),
    dataSizeOut: attr.getU32(12),
    ctxSizeOut: attr.getU32(44),
  };
}

// ---- links and attachment ----

export interface LinkCreateAttr {
  progFd: number;
  targetFd: number;
  attachType: number;
  flags?: number;
  /** For BPF_PERF_EVENT links: the value bpf_get_attach_cookie() returns (kernel 5.15). */
  perfEventCookie?: bigint;
  /** For tracing programs (fentry/...) attached through links: the target BTF id. */
  targetBtfId?: number;
  /**
   * Writes the attach-type-specific tail of `link_create` (from offset 16: iter_info, tcx,
   * uprobe_multi, ...), for the hooks whose files know its layout.
   */
  tail?: (attr: Attr) => void;
}

/** BPF_LINK_CREATE: result or -errno. Kernel 5.7 (perf events 5.15). */
export function linkCreateRaw(a: LinkCreateAttr): number {
  const attr = new Attr(64).u32(0, a.progFd).u32(4, a.targetFd).u32(8, a.attachType).u32(12, a.flags ?? 0);
  if (a.perfEventCookie !== undefined) attr.u64(16, a.perfEventCookie);
  else if (a.targetBtfId !== undefined) attr.u32(16, a.targetBtfId);
  a.tail?.(attr);
  return bpf(Cmd.LINK_CREATE, attr);
}

/** BPF_LINK_CREATE that throws a BpfError naming `what` on failure. */
export function linkCreate(a: LinkCreateAttr, what: string): Fd {
  const r = linkCreateRaw(a);
  if (r < 0) throw bpfFailure(Cmd.LINK_CREATE, -r, what);
  return new Fd(r, `link ${what}`);
}

/** BPF_PROG_ATTACH / BPF_PROG_DETACH (sockmap and older cgroup attachment): result or -errno. Kernel 4.10. */
export function progAttachRaw(detach: boolean, targetFd: number, progFd: number, attachType: number, flags = 0): number {
  const attr = new Attr(32).u32(0, targetFd).u32(4, progFd).u32(8, attachType).u32(12, flags);
  return bpf(detach ? Cmd.PROG_DETACH : Cmd.PROG_ATTACH, attr);
}

/**
 * Every id of one kind the kernel knows (BPF_PROG_GET_NEXT_ID, BPF_MAP_GET_NEXT_ID: 4.13;
 * BPF_LINK_GET_NEXT_ID: 5.8), in ascending order.
 */
export function objectIds(kind: "prog" | "map" | "link"): number[] {
  const cmd = kind === "prog" ? Cmd.PROG_GET_NEXT_ID : kind === "map" ? Cmd.MAP_GET_NEXT_ID : Cmd.LINK_GET_NEXT_ID;
  const ids: number[] = [];
  let start = 0;
  for (;;) {
    const attr = new Attr(16).u32(0, start);
    const r = bpf(cmd, attr);
    if (r === -Errno.ENOENT) return ids;
    check(cmd, r, `${kind} ids`);
    start = attr.getU32(4);
    ids.push(start);
  }
}

/** BPF_MAP_LOOKUP_AND_DELETE_ELEM (queue/stack pop with no key: 4.20; hash maps 5.14); false when empty/absent. */
export function mapLookupAndDelete(map: Fd, key: Uint8Array | undefined, value: Uint8Array, flags = 0): boolean {
  const r = bpf(Cmd.MAP_LOOKUP_AND_DELETE_ELEM, elemAttr(map, key, value, flags));
  if (r === -Errno.ENOENT) return false;
  check(Cmd.MAP_LOOKUP_AND_DELETE_ELEM, r, map.label);
  return true;
}

/** BPF_MAP_LOOKUP_ELEM with no key (queue/stack peek, bloom filter membership): false when absent. */
export function mapLookupNoKey(map: Fd, value: Uint8Array, flags = 0): boolean {
  return mapLookup(map, undefined, value, flags);
}

/** BPF_MAP_UPDATE_ELEM with no key (queue/stack push, bloom filter add). Kernel 4.20 (bloom 5.16). */
export function mapPush(map: Fd, value: Uint8Array, flags = 0): void {
  check(Cmd.MAP_UPDATE_ELEM, bpf(Cmd.MAP_UPDATE_ELEM, elemAttr(map, undefined, value, flags)), map.label);
}

export interface BatchResult {
  /** Elements the kernel processed. */
  count: number;
  /** True when the walk reached the end of the map (ENOENT). */
  done: boolean;
}

/**
 * One batch command (BPF_MAP_*_BATCH, kernel 5.6): `inBatch`/`outBatch` are the opaque cursors
 * (undefined to start), `keys`/`values` hold `count` elements.
 */
export function mapBatch(cmd: number, map: Fd, b: { inBatch?: Uint8Array; outBatch?: Uint8Array; keys: Uint8Array; values?: Uint8Array; count: number; elemFlags?: number; flags?: number }): BatchResult {
  const attr = new Attr(56)
    .pointer(0, b.inBatch)
    .pointer(8, b.outBatch)
    .pointer(16, b.keys)
    .pointer(24, b.values)
    .u32(32, b.count)
    .u32(36, map.raw)
    .u64(40, b.elemFlags ?? 0)
    .u64(48, b.flags ?? 0);
  const r = bpf(cmd, attr);
  const count = attr.getU32(32);
  if (r === -Errno.ENOENT) return { count, done: true };
  check(cmd, r, map.label);
  return { count, done: false };
}

/** BPF_MAP_GET_FD_BY_ID / BPF_PROG_GET_FD_BY_ID (kernel 4.13) / BPF_BTF_GET_FD_BY_ID (5.0). */
export function getFdById(kind: "map" | "prog" | "btf", id: number): Fd {
  const cmd = kind === "map" ? Cmd.MAP_GET_FD_BY_ID : kind === "prog" ? Cmd.PROG_GET_FD_BY_ID : Cmd.BTF_GET_FD_BY_ID;
  const r = bpf(cmd, new Attr(16).u32(0, id));
  return new Fd(check(cmd, r, `${kind} id ${id}`), `${kind} id ${id}`);
}

/** BPF_RAW_TRACEPOINT_OPEN: attaches a raw_tp (or tp_btf with name undefined) program; returns the link. Kernel 4.17. */
export function rawTracepointOpenRaw(progFd: number, name: string | undefined): number {
  const nameBytes = name === undefined ? undefined : new TextEncoder().encode(`${name}\0`);
  const attr = new Attr(24).pointer(0, nameBytes).u32(8, progFd);
  return bpf(Cmd.RAW_TRACEPOINT_OPEN, attr);
}

// ---- object info and pinning ----

/** BPF_OBJ_GET_INFO_BY_FD into `info` (bpf_prog_info, bpf_map_info, ...); returns the length the kernel filled. Kernel 4.13. */
export function objGetInfo(fd: Fd, info: Uint8Array): number {
  const attr = new Attr(16).u32(0, fd.raw).u32(4, info.byteLength).pointer(8, info);
  check(Cmd.OBJ_GET_INFO_BY_FD, bpf(Cmd.OBJ_GET_INFO_BY_FD, attr), fd.label);
  return attr.getU32(4);
}

/** BPF_OBJ_PIN: pins a map, program or link to a path on bpffs. Kernel 4.4. */
export function objPin(fd: Fd, path: string): void {
  const attr = new Attr(24).pointer(0, new TextEncoder().encode(`${path}\0`)).u32(8, fd.raw);
  check(Cmd.OBJ_PIN, bpf(Cmd.OBJ_PIN, attr), `${fd.label} at ${path}`);
}

/** BPF_OBJ_GET: opens a pinned object. Kernel 4.4. */
export function objGet(path: string, label: string): Fd {
  const attr = new Attr(24).pointer(0, new TextEncoder().encode(`${path}\0`));
  return new Fd(check(Cmd.OBJ_GET, bpf(Cmd.OBJ_GET, attr), path), label);
}

/** BPF_ITER_CREATE: a readable descriptor that runs an iterator link's program once per object. Kernel 5.8. */
export function iterCreate(link: Fd): Fd {
  const fd = check(Cmd.ITER_CREATE, bpf(Cmd.ITER_CREATE, new Attr(8).u32(0, link.raw)), link.label);
  return new Fd(fd, `iterator of ${link.label}`);
}
