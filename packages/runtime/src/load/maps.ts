/**
 * Creating an object's maps the way libbpf does: BTF-defined maps with the object's BTF and
 * their key/value type ids (except the types the kernel refuses BTF for), ring buffers sized to
 * a power-of-two number of pages, perf event arrays sized by CPU count, and the global data
 * maps (`.rodata`, `.data`, `.bss`) as one-element mmapable arrays with their DATASEC as value
 * type, initialised, `.rodata` then frozen.
 */
import type { MapSpec, ObjectSpec } from "@tsbpf/object";
import { MapType } from "@tsbpf/object";
import { findDatasec } from "../btf/query.js";
import { BpfError, MapError, NotSupportedError } from "../errors.js";
import { bpfFailure, Cmd, mapCreateRaw, mapFreeze, mapUpdate, objGet, objGetInfo, objPin, type MapCreateAttr } from "../sys/bpf.js";
import { possibleCpus } from "../sys/cpus.js";
import { Errno } from "../sys/errno.js";
import { Fd } from "../sys/fd.js";
import { pageSize } from "../sys/memory.js";
import { MapFlags } from "./types.js";

/** Map types the kernel creates without BTF key/value types (libbpf clears them too). */
const noBtfTypes = new Set<number>([
  MapType.PerfEventArray, 8 /* CGROUP_ARRAY */, MapType.StackTrace, 12 /* ARRAY_OF_MAPS */, 13 /* HASH_OF_MAPS */,
  14 /* DEVMAP */, 25 /* DEVMAP_HASH */, 16 /* CPUMAP */, 17 /* XSKMAP */, 15 /* SOCKMAP */, 18 /* SOCKHASH */,
  MapType.Queue, MapType.Stack, MapType.RingBuf, 31 /* USER_RINGBUF */, 33 /* ARENA */,
]);

/** Where LIBBPF_PIN_BY_NAME maps are pinned. */
export const PIN_ROOT = "/sys/fs/bpf";

export interface CreatedMap {
  spec: MapSpec;
  fd: Fd;
  /** The attributes it was created with (sizes may differ from the spec: ring buffers, perf arrays). */
  attr: MapCreateAttr;
  /** Whether the data map can be mmapped (global data with BPF_F_MMAPABLE). */
  mmapable: boolean;
}

function roundUpRingSize(size: number): number {
  const page = pageSize();
  let n = page;
  while (n < size) n *= 2;
  return n;
}

/** The attributes to create `spec` with. */
export function mapCreateAttr(spec: MapSpec, objectBtf: ObjectSpec["btf"], btfFd: number | undefined): MapCreateAttr {
  const attr: MapCreateAttr = {
    type: spec.type,
    keySize: spec.keySize,
    valueSize: spec.valueSize,
    maxEntries: spec.maxEntries,
    flags: spec.flags,
    name: spec.name,
  };
  if (spec.kind !== "btf-map") {
    // Global data: one element holding the whole section; its DATASEC describes the value.
    attr.type = MapType.Array;
    attr.keySize = 4;
    attr.maxEntries = 1;
    attr.flags = (spec.flags | MapFlags.MMAPABLE) >>> 0;
    if (spec.kind === "rodata") attr.flags |= MapFlags.RDONLY_PROG;
    const datasec = objectBtf.types.findIndex((t) => t.kind === "datasec" && t.name === spec.name);
    if (btfFd !== undefined && datasec >= 0 && findDatasec(objectBtf, spec.name)) {
      attr.btfFd = btfFd;
      attr.btfKeyTypeId = 0;
      attr.btfValueTypeId = datasec + (objectBtf.firstTypeId ?? 1);
    }
    return attr;
  }
  if (spec.type === MapType.RingBuf || spec.type === MapType.UserRingBuf) {
    attr.keySize = 0;
    attr.valueSize = 0;
    attr.maxEntries = roundUpRingSize(spec.maxEntries);
  } else if (spec.type === MapType.PerfEventArray) {
    attr.keySize = 4;
    attr.valueSize = 4;
    if (!spec.maxEntries) attr.maxEntries = possibleCpus();
  }
  if (btfFd !== undefined && !noBtfTypes.has(spec.type) && (spec.keyTypeId || spec.valueTypeId)) {
    attr.btfFd = btfFd;
    attr.btfKeyTypeId = spec.keyTypeId;
    attr.btfValueTypeId = spec.valueTypeId;
  }
  return attr;
}

function describeFailure(spec: MapSpec, errno: number): BpfError {
  if (errno === Errno.EINVAL && spec.type === MapType.RingBuf) {
    return new NotSupportedError(`ring buffer map ${spec.name}`, "the kernel refused BPF_MAP_TYPE_RINGBUF", { remedy: "needs Linux 5.8", errno, syscall: "BPF_MAP_CREATE" });
  }
  if (errno === Errno.EINVAL && spec.type === MapType.UserRingBuf) {
    return new NotSupportedError(`user ring buffer map ${spec.name}`, "the kernel refused BPF_MAP_TYPE_USER_RINGBUF", { remedy: "needs Linux 6.1", errno, syscall: "BPF_MAP_CREATE" });
  }
  if (errno === Errno.ENOMEM || errno === Errno.E2BIG) {
    return new MapError(`cannot be created (${errno === Errno.ENOMEM ? "ENOMEM" : "E2BIG"}): max_entries ${spec.maxEntries} with ${spec.keySize}-byte keys and ${spec.valueSize}-byte values is too large`, { map: spec.name, errno, syscall: "BPF_MAP_CREATE" });
  }
  return bpfFailure(Cmd.MAP_CREATE, errno, `map ${spec.name}`);
}

function createOne(spec: MapSpec, attr: MapCreateAttr): Fd {
  // Map-in-map: the kernel takes the inner maps' shape from a template map, which may go once
  // the outer map exists (libbpf does the same).
  if (spec.innerMap && attr.innerMapFd === undefined) {
    const template = createOne(spec.innerMap, mapCreateAttr(spec.innerMap, { types: [] }, undefined));
    try {
      return createOne(spec, { ...attr, innerMapFd: template.raw });
    } finally {
      template.close();
    }
  }
  let r = mapCreateRaw(attr);
  if (r === -Errno.EINVAL && attr.btfFd !== undefined) {
    // Kernels without BTF support for this map type (libbpf retries the same way).
    r = mapCreateRaw({ ...attr, btfFd: 0, btfKeyTypeId: 0, btfValueTypeId: 0 });
  }
  if (r < 0) throw describeFailure(spec, -r);
  return new Fd(r, `map ${spec.name}`);
}

/**
 * Reuses a map pinned by name (LIBBPF_PIN_BY_NAME), or undefined when none is pinned. A pinned
 * map of another shape is an error rather than a silent mismatch (libbpf checks the same).
 */
function openPinned(spec: MapSpec, attr: MapCreateAttr): Fd | undefined {
  const path = `${PIN_ROOT}/${spec.name}`;
  let fd: Fd;
  try {
    fd = objGet(path, `map ${spec.name} (pinned)`);
  } catch (error) {
    if (error instanceof BpfError && error.errno === Errno.ENOENT) return undefined;
    throw error;
  }
  const info = new Uint8Array(88);
  objGetInfo(fd, info);
  const v = new DataView(info.buffer);
  const got = { type: v.getUint32(0, true), keySize: v.getUint32(8, true), valueSize: v.getUint32(12, true), maxEntries: v.getUint32(16, true) };
  const want = { type: attr.type, keySize: attr.keySize, valueSize: attr.valueSize, maxEntries: attr.maxEntries };
  if (JSON.stringify(got) !== JSON.stringify(want)) {
    fd.close();
    throw new MapError(`the map pinned at ${path} has another shape (${JSON.stringify(got)}, this object wants ${JSON.stringify(want)}); remove the pin or rename the map`, { map: spec.name });
  }
  return fd;
}

/**
 * Creates (or, for maps pinned by name, reopens) every map and writes the global data maps'
 * initial contents. On failure every map created so far is closed.
 */
export function createMaps(spec: ObjectSpec, btfFd: number | undefined, contents: Map<string, Uint8Array>): Map<string, CreatedMap> {
  const created = new Map<string, CreatedMap>();
  try {
    for (const map of spec.maps) {
      if (created.has(map.name)) throw new MapError("defined twice in the object", { map: map.name });
      const attr = mapCreateAttr(map, spec.btf, btfFd);
      const pinned = map.pinning === 1 ? openPinned(map, attr) : undefined;
      const fd = pinned ?? createOne(map, attr);
      created.set(map.name, { spec: map, fd, attr, mmapable: ((attr.flags ?? 0) & MapFlags.MMAPABLE) !== 0 });
      if (pinned) continue;
      const initial = contents.get(map.name);
      // .bss starts zeroed in the kernel: write it only when config set a variable in it.
      if (initial && (map.kind !== "bss" || initial.some((b) => b !== 0))) mapUpdate(fd, new Uint8Array(4), initial);
      if (map.kind === "rodata") mapFreeze(fd);
      if (map.pinning === 1) objPin(fd, `${PIN_ROOT}/${map.name}`);
    }
  } catch (error) {
    for (const c of created.values()) c.fd.close();
    throw error;
  }
  return created;
}
