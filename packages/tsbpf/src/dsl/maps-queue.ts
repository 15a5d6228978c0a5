/**
 * Maps without keys: FIFO queues, LIFO stacks and bloom filters. Kernel 4.20 (queue, stack),
 * 5.16 (bloom filter).
 */
import type { bool, i64, u64 } from "./integers.js";
import type { Ptr } from "./memory.js";
import { KernelMap, type MapOptions } from "./maps-base.js";

/** The kernel-side methods of queues and stacks. */
export interface QueueMethods<V> {
  /**
   * `bpf_map_push_elem`: adds `value`; 0 or a negative error (-E2BIG when full, unless `flags` is
   * `UpdateFlags.Exist`, which then drops the oldest element to make room).
   */
  push(value: V, flags?: u64): i64;
  /**
   * `bpf_map_pop_elem`: removes the next element (the oldest for a queue, the newest for a stack)
   * and returns a pointer to a copy of it on the program's stack, or null when empty.
   */
  pop(): Ptr<V> | null;
  /** `bpf_map_peek_elem`: like `pop`, without removing the element. */
  peek(): Ptr<V> | null;
}

/** `BPF_MAP_TYPE_QUEUE`: a FIFO of at most `maxEntries` values. Kernel 4.20. */
export interface Queue<V> extends QueueMethods<V> {}
export class Queue<V> extends KernelMap<MapOptions> {
  declare private readonly brand: "Queue";
}

/** `BPF_MAP_TYPE_STACK`: a LIFO of at most `maxEntries` values. Kernel 4.20. */
export interface Stack<V> extends QueueMethods<V> {}
export class Stack<V> extends KernelMap<MapOptions> {
  declare private readonly brand: "Stack";
}

export interface BloomFilterOptions extends MapOptions {
  /** The number of hash functions (`map_extra`, 1–15; the kernel's default is 5). */
  hashes?: number;
}

/** The kernel-side methods of a bloom filter. */
export interface BloomFilterMethods<V> {
  /** `bpf_map_push_elem`: adds `value` to the set; 0 or a negative error. */
  push(value: V, flags?: u64): i64;
  /** `bpf_map_peek_elem`: 0 when `value` may be in the set, -ENOENT when it certainly is not. */
  peek(value: V): i64;
  /** Whether `value` may be in the set (false: certainly not). */
  has(value: V): bool;
}

/**
 * `BPF_MAP_TYPE_BLOOM_FILTER`: a probabilistic set of values sized for `maxEntries` of them; it
 * answers "maybe present" or "certainly absent". Elements cannot be removed. Kernel 5.16.
 */
export interface BloomFilter<V> extends BloomFilterMethods<V> {}
export class BloomFilter<V> extends KernelMap<BloomFilterOptions> {
  declare private readonly brand: "BloomFilter";
}
