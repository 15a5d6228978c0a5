/**
 * Maps whose values are kernel objects given by descriptor, read back as ids: prog arrays
 * (tail call targets, kernel 4.2), array/hash of maps (4.12), devmap/devmap_hash (XDP
 * redirect targets: interfaces, 4.14/5.4), cpumap (4.15), xskmap (AF_XDP sockets, 4.18) and
 * sockmap/sockhash (sockets, 4.14/4.18). Keys are BTF-typed (u32 indexes for the arrays).
 */
import type { MapSpec } from "@tsbpf/object";
import { encodeInto, type Codec } from "../btf-values/index.js";
import { MapError } from "../errors.js";
import { littleEndian } from "../sys/attr.js";
import { mapDelete, mapGetNextKey, mapLookup, mapUpdate } from "../sys/bpf.js";
import type { Fd } from "../sys/fd.js";
import { inNetns, interfaceIndex } from "../sys/netns.js";
import { BpfMap } from "./map.js";

/** Something with a descriptor: a BpfProgram, a BpfMap, an Fd, or a raw number. */
export type FdLike = number | Fd | { fd: Fd };

export function rawFd(x: FdLike): number {
  if (typeof x === "number") return x;
  if ("raw" in x) return x.raw;
  return x.fd.raw;
}

type Shape = Pick<MapSpec, "name" | "type" | "keySize" | "valueSize" | "maxEntries" | "flags">;

/** Shared: key encoding, delete, keys. Values are written as u32 fds (or wider structs by subclasses). */
export abstract class FdValueMap<K> extends BpfMap {
  readonly #key: Codec;

  constructor(fd: Fd, spec: Shape, key: Codec) {
    super(fd, spec);
    this.#key = key;
  }

  protected key(key: K): Uint8Array {
    const bytes = new Uint8Array(this.#key.size);
    encodeInto(this.#key, new DataView(bytes.buffer), 0, key, { map: this.name, what: "key" });
    return bytes;
  }

  protected put(key: K, value: Uint8Array): void {
    mapUpdate(this.fd, this.key(key), value);
  }

  /** The u32 the kernel reports for an entry (an id), or undefined when absent. */
  protected lookupU32(key: K): number | undefined {
    const out = new Uint8Array(this.valueSize);
    if (!mapLookup(this.fd, this.key(key), out)) return undefined;
    return new DataView(out.buffer).getUint32(0, littleEndian);
  }

  delete(key: K): boolean {
    return mapDelete(this.fd, this.key(key));
  }

  async *keys(): AsyncIterableIterator<K> {
    let current: Uint8Array | undefined;
    for (;;) {
      const next = new Uint8Array(this.#key.size);
      if (!mapGetNextKey(this.fd, current, next)) return;
      yield this.#key.read(new DataView(next.buffer), 0) as K;
      current = next;
    }
  }
}

function u32Value(size: number, ...words: number[]): Uint8Array {
  const out = new Uint8Array(size);
  const v = new DataView(out.buffer);
  words.forEach((w, i) => {
    if ((i + 1) * 4 <= size) v.setUint32(i * 4, w >>> 0, littleEndian);
  });
  return out;
}

/** BPF_MAP_TYPE_PROG_ARRAY: index → program, for bpf_tail_call. Reading gives the program's id. */
export class ProgArrayHandle extends FdValueMap<number> {
  set(index: number, program: FdLike): void {
    this.put(index, u32Value(this.valueSize, rawFd(program)));
  }

  /** The id of the program at `index`, or undefined. */
  programId(index: number): number | undefined {
    return this.lookupU32(index);
  }
}

/** BPF_MAP_TYPE_ARRAY_OF_MAPS / HASH_OF_MAPS: key → inner map (of the inner definition's shape). Reading gives the map's id. */
export class MapOfMapsHandle<K = number> extends FdValueMap<K> {
  set(key: K, map: FdLike): void {
    this.put(key, u32Value(this.valueSize, rawFd(map)));
  }

  mapId(key: K): number | undefined {
    return this.lookupU32(key);
  }
}

/** BPF_MAP_TYPE_DEVMAP / DEVMAP_HASH: key → interface (+ an XDP program to run on it, kernel 5.8). */
export class DevMapHandle<K = number> extends FdValueMap<K> {
  /**
   * Stores an interface under `key`. An interface of another network namespace is named with
   * `netns` (a name from `ip netns`, or a path): the kernel resolves the index in the namespace of
   * the updating thread, so the update is made from inside it.
   */
  set(key: K, target: { interface: string | number; program?: FdLike; netns?: string }): void {
    if (target.program !== undefined && this.valueSize < 8) throw new MapError("this devmap's values have no program slot (value size 4); declare 8-byte values", { map: this.name });
    inNetns(target.netns, () => this.put(key, u32Value(this.valueSize, interfaceIndex(target.interface), target.program === undefined ? 0 : rawFd(target.program))));
  }

  /** The interface index stored under `key`. */
  interfaceIndex(key: K): number | undefined {
    return this.lookupU32(key);
  }
}

/** BPF_MAP_TYPE_CPUMAP: CPU → queue size (+ an XDP program run on that CPU, kernel 5.9). */
export class CpuMapHandle extends FdValueMap<number> {
  set(cpu: number, target: { queueSize: number; program?: FdLike }): void {
    if (target.program !== undefined && this.valueSize < 8) throw new MapError("this cpumap's values have no program slot (value size 4)", { map: this.name });
    this.put(cpu, u32Value(this.valueSize, target.queueSize, target.program === undefined ? 0 : rawFd(target.program)));
  }

  queueSize(cpu: number): number | undefined {
    return this.lookupU32(cpu);
  }
}

/** BPF_MAP_TYPE_XSKMAP: queue index → AF_XDP socket. */
export class XskMapHandle extends FdValueMap<number> {
  set(queue: number, socket: FdLike): void {
    this.put(queue, u32Value(this.valueSize, rawFd(socket)));
  }
}

/**
 * BPF_MAP_TYPE_SOCKMAP / SOCKHASH / REUSEPORT_SOCKARRAY: key → socket (TCP or UDP). Reading gives
 * the socket's cookie (8-byte values).
 */
export class SockMapHandle<K = number> extends FdValueMap<K> {
  set(key: K, socket: FdLike): void {
    const v = new Uint8Array(this.valueSize);
    new DataView(v.buffer).setUint32(0, rawFd(socket), littleEndian);
    this.put(key, v);
  }

  /** The socket cookie stored under `key` (maps with 8-byte values), or undefined. */
  cookie(key: K): bigint | undefined {
    const out = new Uint8Array(this.valueSize);
    if (!mapLookup(this.fd, this.key(key), out)) return undefined;
    return this.valueSize >= 8 ? new DataView(out.buffer).getBigUint64(0, littleEndian) : BigInt(new DataView(out.buffer).getUint32(0, littleEndian));
  }
}
