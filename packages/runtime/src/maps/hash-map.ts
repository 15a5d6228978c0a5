/**
 * `HashMapHandle<K, V>`: typed access from user space to key/value maps (hash and array: kernel
 * 3.19; per-CPU variants 4.6, whose values are arrays with one element per possible CPU; LRU
 * 4.10; LPM trie 4.11). Keys and values are validated and laid out from the object's BTF; maps
 * without BTF take and give Uint8Arrays of the exact key and value sizes.
 */
import type { MapSpec } from "@tsbpf/object";
import { encodeInto, type Codec } from "../btf-values/index.js";
import { MapError } from "../errors.js";
import { updating } from "./full.js";
import { Cmd, mapBatch, mapDelete, mapGetNextKey, mapLookup, mapUpdate, UpdateFlags } from "../sys/bpf.js";
import type { Fd } from "../sys/fd.js";
import { BpfMap } from "./map.js";

/** How `set` treats an existing or missing key. */
export type UpdateMode = "any" | "noexist" | "exist";

const modes: Record<UpdateMode, number> = { any: UpdateFlags.ANY, noexist: UpdateFlags.NOEXIST, exist: UpdateFlags.EXIST };

/** What to do about a full hash map (its entries are allocated up front, up to maxEntries). */
const FULL_REMEDY = "delete entries first, use an LruHash map (it evicts the least recently used entry), or raise maxEntries in the map's definition";

/**
 * Typed access from user space to a key/value map (hash and array: kernel 3.19; per-CPU
 * variants 4.6, their values one element per possible CPU; LRU 4.10; LPM trie 4.11), keys and
 * values laid out from the object's BTF and validated (MapError).
 */
export class HashMapHandle<K = unknown, V = unknown> extends BpfMap implements AsyncIterable<[K, V]> {
  readonly #key: Codec;
  readonly #value: Codec;

  /** `key`/`value`: codecs whose sizes match the map's (per-CPU maps: the per-CPU array codec). */
  constructor(fd: Fd, spec: Pick<MapSpec, "name" | "type" | "keySize" | "valueSize" | "maxEntries" | "flags">, key: Codec, value: Codec) {
    super(fd, spec);
    this.#key = key;
    this.#value = value;
  }

  #encodeKey(key: K): Uint8Array {
    const bytes = new Uint8Array(this.#key.size);
    encodeInto(this.#key, new DataView(bytes.buffer), 0, key, { map: this.name, what: "key" });
    return bytes;
  }

  /** The value under `key`, or undefined. Kernel 3.18. */
  get(key: K): V | undefined {
    const value = new Uint8Array(this.#value.size);
    if (!mapLookup(this.fd, this.#encodeKey(key), value)) return undefined;
    return this.#value.read(new DataView(value.buffer), 0) as V;
  }

  has(key: K): boolean {
    return mapLookup(this.fd, this.#encodeKey(key), new Uint8Array(this.#value.size));
  }

  /**
   * Stores `value` under `key`. `mode` "noexist" fails if the key exists, "exist" if it does not
   * (a BpfError with code EEXIST / ENOENT); a new key in a full hash map is a MapError (E2BIG). Kernel 3.18.
   */
  set(key: K, value: V, mode: UpdateMode | number = "any"): void {
    const bytes = new Uint8Array(this.#value.size);
    encodeInto(this.#value, new DataView(bytes.buffer), 0, value, { map: this.name, what: "value" });
    const encodedKey = this.#encodeKey(key);
    updating(this, FULL_REMEDY, () => mapUpdate(this.fd, encodedKey, bytes, typeof mode === "number" ? mode : modes[mode]));
  }

  /** Removes `key`; false when it was not there. Array maps cannot delete (BpfError EINVAL). Kernel 3.18. */
  delete(key: K): boolean {
    return mapDelete(this.fd, this.#encodeKey(key));
  }

  /**
   * The keys, walked with BPF_MAP_GET_NEXT_KEY (kernel 4.12). The walk sees the map as it changes:
   * a key deleted under the walk's feet makes a hash map restart from its first key.
   */
  async *keys(): AsyncIterableIterator<K> {
    let current: Uint8Array | undefined;
    for (;;) {
      const next = new Uint8Array(this.#key.size);
      if (!mapGetNextKey(this.fd, current, next)) return;
      yield this.#key.read(new DataView(next.buffer), 0) as K;
      current = next;
    }
  }

  /** [key, value] pairs (entries deleted during the walk are skipped). */
  async *entries(): AsyncIterableIterator<[K, V]> {
    let current: Uint8Array | undefined;
    for (;;) {
      const next = new Uint8Array(this.#key.size);
      if (!mapGetNextKey(this.fd, current, next)) return;
      current = next;
      const value = new Uint8Array(this.#value.size);
      if (!mapLookup(this.fd, next, value)) continue;
      yield [this.#key.read(new DataView(next.buffer), 0) as K, this.#value.read(new DataView(value.buffer), 0) as V];
    }
  }

  async *values(): AsyncIterableIterator<V> {
    for await (const [, value] of this.entries()) yield value;
  }

  [Symbol.asyncIterator](): AsyncIterator<[K, V]> {
    return this.entries();
  }

  /** The key codec (per-CPU maps: value codecs are arrays). */
  protected get keyCodec(): Codec {
    return this.#key;
  }

  protected get valueCodec(): Codec {
    return this.#value;
  }

  protected encodeKey(key: K): Uint8Array {
    return this.#encodeKey(key);
  }

  protected encodeValue(value: V): Uint8Array {
    const bytes = new Uint8Array(this.#value.size);
    encodeInto(this.#value, new DataView(bytes.buffer), 0, value, { map: this.name, what: "value" });
    return bytes;
  }

  /**
   * Every entry, read `batchSize` at a time with BPF_MAP_LOOKUP_BATCH (kernel 5.6): one system
   * call per batch instead of two per entry. `andDelete` empties the map as it goes
   * (BPF_MAP_LOOKUP_AND_DELETE_BATCH; not for arrays).
   */
  async *batches(options: { batchSize?: number; andDelete?: boolean } = {}): AsyncIterableIterator<[K, V][]> {
    const size = Math.max(1, options.batchSize ?? 256);
    const cursorSize = Math.max(this.#key.size, 8);
    let inBatch: Uint8Array | undefined;
    for (;;) {
      const keys = new Uint8Array(this.#key.size * size);
      const values = new Uint8Array(this.#value.size * size);
      const outBatch = new Uint8Array(cursorSize);
      const r = mapBatch(options.andDelete ? Cmd.MAP_LOOKUP_AND_DELETE_BATCH : Cmd.MAP_LOOKUP_BATCH, this.fd, { inBatch, outBatch, keys, values, count: size });
      const kv = new DataView(keys.buffer);
      const vv = new DataView(values.buffer);
      const out: [K, V][] = [];
      for (let i = 0; i < r.count; i++) out.push([this.#key.read(kv, i * this.#key.size) as K, this.#value.read(vv, i * this.#value.size) as V]);
      if (out.length) yield out;
      if (r.done) return;
      inBatch = outBatch;
    }
  }

  /** Stores many entries in one call (BPF_MAP_UPDATE_BATCH, kernel 5.6); returns how many were stored. */
  setMany(entries: Iterable<[K, V]>, mode: UpdateMode = "any"): number {
    const list = [...entries];
    if (list.length === 0) return 0;
    const keys = new Uint8Array(this.#key.size * list.length);
    const values = new Uint8Array(this.#value.size * list.length);
    list.forEach(([k, v], i) => {
      keys.set(this.#encodeKey(k), i * this.#key.size);
      values.set(this.encodeValue(v), i * this.#value.size);
    });
    return updating(this, FULL_REMEDY, () => mapBatch(Cmd.MAP_UPDATE_BATCH, this.fd, { keys, values, count: list.length, elemFlags: modes[mode] }).count);
  }

  /** Deletes many keys in one call (BPF_MAP_DELETE_BATCH, kernel 5.6); stops at the first absent key (BpfError ENOENT). */
  deleteMany(keys: Iterable<K>): number {
    const list = [...keys];
    if (list.length === 0) return 0;
    const bytes = new Uint8Array(this.#key.size * list.length);
    list.forEach((k, i) => bytes.set(this.#encodeKey(k), i * this.#key.size));
    const r = mapBatch(Cmd.MAP_DELETE_BATCH, this.fd, { keys: bytes, count: list.length });
    if (r.done && r.count < list.length) throw new MapError(`deleteMany: key ${r.count} of ${list.length} is not in the map (the ${r.count} before it were deleted)`, { map: this.name });
    return r.count;
  }

  /** Removes every entry (a walk deleting each key). */
  clear(): number {
    let n = 0;
    const key = new Uint8Array(this.#key.size);
    while (mapGetNextKey(this.fd, undefined, key)) {
      if (mapDelete(this.fd, key)) n++;
    }
    return n;
  }
}

/** Checks that a codec fits the kernel's idea of the size (a mismatch means the object is inconsistent). */
export function checkCodecSize(map: string, what: "key" | "value", codec: Codec, size: number): void {
  if (codec.size !== size) {
    throw new MapError(`its ${what} type ${codec.describe} has ${codec.size} bytes but the map's ${what} size is ${size}`, { map });
  }
}
