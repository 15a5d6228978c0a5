/**
 * The hash map family's user-space handles; they share HashMapHandle's API and differ in what
 * the kernel does: per-CPU hashes (kernel 4.6) keep one value per possible CPU (get returns an
 * array, set takes one), LRU hashes (4.10) evict the least recently used entry when full
 * instead of refusing the insert.
 */
import { HashMapHandle } from "./hash-map.js";

/** BPF_MAP_TYPE_PERCPU_HASH. */
export class PerCpuHashHandle<K = unknown, V = unknown> extends HashMapHandle<K, V[]> {}

/** BPF_MAP_TYPE_LRU_HASH. */
export class LruHashHandle<K = unknown, V = unknown> extends HashMapHandle<K, V> {}

/** BPF_MAP_TYPE_LRU_PERCPU_HASH. */
export class LruPerCpuHashHandle<K = unknown, V = unknown> extends HashMapHandle<K, V[]> {}
