/**
 * Key/value maps: hash tables, arrays, their per-CPU and LRU variants, and the LPM trie. They share
 * the kernel-side methods of `KeyValueMethods`; all but the LPM trie can be walked with
 * `forEach` (`IterableMethods`).
 */
import type { i64, u32, u64 } from "./integers.js";
import type { Ptr } from "./memory.js";
import { KernelMap, type MapOptions } from "./maps-base.js";

/** The kernel-side methods of every key/value map. */
export interface KeyValueMethods<K, V> {
  /**
   * `bpf_map_lookup_elem`: a pointer to the value stored for `key`, or null. Writes through the
   * pointer change the map in place (per-CPU maps: this CPU's copy).
   */
  lookup(key: K): Ptr<V> | null;
  /** `bpf_map_update_elem` with `UpdateFlags` (default `Any`); 0 or a negative error. */
  update(key: K, value: V, flags?: u64): i64;
  /** `bpf_map_delete_elem`; 0 or a negative error (-ENOENT when absent, -EINVAL for arrays). */
  delete(key: K): i64;
  /**
   * Adds `by` (default 1) to the integer value under `key` with an atomic add, inserting the key
   * with value 0 first when it is absent (bcc's `increment`). Values must be 32 or 64 bits wide.
   */
  increment(key: K, by?: V): void;
  /**
   * The value under `key`, inserting `init` first when the key is absent (bcc's
   * `lookup_or_try_init`): a lookup; on a miss an update with `BPF_NOEXIST` (a concurrent insert
   * wins) and a second lookup. Null only when the insert failed (the map is full).
   */
  lookupOrInit(key: K, init: V): Ptr<V> | null;
}

/** A map key as a `forEach` callback sees it: integers by value, structs read-only (the key stays in the map). */
export type ReadonlyKey<K> = K extends number | bigint | boolean ? K : Readonly<K>;

/** The kernel-side iteration of hash tables and arrays (not of the LPM trie). */
export interface IterableMethods<K, V> {
  /**
   * `bpf_for_each_map_elem`: calls `callback(key, value)` for each element of the map (each index
   * of an array), in the map's order, until it returns 1 (0 or nothing goes on). `value` points
   * into the map: writes through it change the element in place (per-CPU maps: this CPU's copy).
   * The callback is an arrow function written in the call; it may read and assign the enclosing
   * function's locals (integers and pointers are copied in before the walk and assigned ones
   * copied back after it; structs are shared by reference), as a JavaScript closure would.
   * Returns the number of elements visited, the one that stopped the walk included.
   * Hash tables, LRU hashes, arrays and their per-CPU variants. Kernel 5.13.
   */
  forEach(callback: (key: ReadonlyKey<K>, value: Ptr<V>) => 0 | 1 | void): i64;
}

/** `BPF_MAP_TYPE_HASH`: a hash table from `K` to `V`. Kernel 3.19. */
export interface HashMap<K, V> extends KeyValueMethods<K, V>, IterableMethods<K, V> {}
export class HashMap<K, V> extends KernelMap<MapOptions> {
  declare private readonly brand: "HashMap";
}

/** `BPF_MAP_TYPE_ARRAY`: `maxEntries` values of type `V` indexed by a u32, zero-initialised. Kernel 3.19. */
export interface ArrayMap<V> extends KeyValueMethods<u32, V>, IterableMethods<u32, V> {}
export class ArrayMap<V> extends KernelMap<MapOptions> {
  declare private readonly brand: "ArrayMap";
}

/**
 * `BPF_MAP_TYPE_PERCPU_HASH`: a hash table with one value per CPU for each key; a program sees its
 * own CPU's value (no atomics needed), user space reads all of them as an array. Kernel 4.6.
 */
export interface PerCpuHash<K, V> extends KeyValueMethods<K, V>, IterableMethods<K, V> {}
export class PerCpuHash<K, V> extends KernelMap<MapOptions> {
  declare private readonly brand: "PerCpuHash";
}

/** `BPF_MAP_TYPE_PERCPU_ARRAY`: an array with one value per CPU per index. Kernel 4.6. */
export interface PerCpuArray<V> extends KeyValueMethods<u32, V>, IterableMethods<u32, V> {}
export class PerCpuArray<V> extends KernelMap<MapOptions> {
  declare private readonly brand: "PerCpuArray";
}

/** `BPF_MAP_TYPE_LRU_HASH`: a hash table that evicts the least recently used entry when full. Kernel 4.10. */
export interface LruHash<K, V> extends KeyValueMethods<K, V>, IterableMethods<K, V> {}
export class LruHash<K, V> extends KernelMap<MapOptions> {
  declare private readonly brand: "LruHash";
}

/** `BPF_MAP_TYPE_LRU_PERCPU_HASH`: an LRU hash with one value per CPU. Kernel 4.10. */
export interface LruPerCpuHash<K, V> extends KeyValueMethods<K, V>, IterableMethods<K, V>, IterableMethods<K, V> {}
export class LruPerCpuHash<K, V> extends KernelMap<MapOptions> {
  declare private readonly brand: "LruPerCpuHash";
}

/**
 * `BPF_MAP_TYPE_LPM_TRIE`: longest-prefix match. The key is a struct whose first member is
 * `prefixLen: u32` (the number of significant bits) followed by `data`, the bytes matched in
 * network order (e.g. `interface V4Key { prefixLen: u32; data: u32 }`). `lookup` with a full-length
 * key finds the longest stored prefix that matches. The compiler adds BPF_F_NO_PREALLOC, which
 * the kernel requires. Kernel 4.11.
 */
export interface LpmTrie<K extends { prefixLen: u32 }, V> extends KeyValueMethods<K, V> {}
export class LpmTrie<K extends { prefixLen: u32 }, V> extends KernelMap<MapOptions> {
  declare private readonly brand: "LpmTrie";
}
