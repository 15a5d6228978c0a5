/**
 * Map declarations. A probe field initialised with `new HashMap<K, V>(...)` (or another map class)
 * defines a BTF map in the object's `.maps` section. The methods here are the kernel-side ones:
 * they compile to helper calls and throw `KernelOnlyError` in user space. In user space the loaded
 * object exposes typed handles for these fields instead (see `LoadedProbe`).
 */
import type { i64, u64 } from "./integers.js";
import type { Ptr } from "./memory.js";
import { KernelOnlyError } from "./kernel-only.js";

/** `BPF_ANY`, `BPF_NOEXIST`, `BPF_EXIST`: flags of `update`. */
export const UpdateFlags = { Any: 0n, NoExist: 1n, Exist: 2n } as const;

export interface HashMapOptions {
  /** `max_entries`. */
  maxEntries: number;
  /** `map_flags` (BPF_F_*). */
  flags?: number;
}

/** `BPF_MAP_TYPE_HASH`: a hash table from `K` to `V`. Kernel 3.19. */
export class HashMap<K, V> {
  readonly options: HashMapOptions;
  constructor(options: HashMapOptions) {
    this.options = options;
  }
  /**
   * `bpf_map_lookup_elem`: a pointer to the value stored for `key`, or null. Writes through the
   * pointer change the map in place.
   */
  lookup(key: K): Ptr<V> | null {
    throw new KernelOnlyError("HashMap.lookup()");
  }
  /** `bpf_map_update_elem` with `UpdateFlags` (default `Any`); 0 or a negative error. */
  update(key: K, value: V, flags?: u64): i64 {
    throw new KernelOnlyError("HashMap.update()");
  }
  /** `bpf_map_delete_elem`; 0 or a negative error (-ENOENT when absent). */
  delete(key: K): i64 {
    throw new KernelOnlyError("HashMap.delete()");
  }
}

export interface RingBufOptions {
  /** Size of the data area in bytes: a power of two and a multiple of the page size. */
  size: number;
}

/** `BPF_MAP_TYPE_RINGBUF`: a multi-producer ring of records of type `T` read by user space. Kernel 5.8. */
export class RingBuf<T> {
  readonly options: RingBufOptions;
  constructor(options: RingBufOptions) {
    this.options = options;
  }
  /** `bpf_ringbuf_output`: copies `value` into the ring; 0 or a negative error. */
  output(value: T, flags?: u64): i64 {
    throw new KernelOnlyError("RingBuf.output()");
  }
}
