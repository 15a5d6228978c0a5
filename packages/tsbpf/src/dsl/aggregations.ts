/**
 * Aggregations: bpftrace's `count()`, `sum()`, `min()`, `max()`, `avg()`, `stats()`, `hist()` and
 * `lhist()` as map fields, each updated by one call in a program:
 *
 * | bpftrace                          | tsbpf field                                   | in a program                      |
 * |-----------------------------------|-----------------------------------------------|-----------------------------------|
 * | `@[comm] = count()`               | `calls = new CountMap<CharArray<16>>()`       | `this.calls.count(comm)`          |
 * | `@bytes[pid] = sum(n)`            | `bytes = new SumMap<u32>()`                   | `this.bytes.record(pid, n)`       |
 * | `@lo = min(n)` / `@hi = max(n)`   | `lo = new MinMap()` / `hi = new MaxMap()`      | `this.lo.record(n)`               |
 * | `@[pid] = avg(n)` / `stats(n)`    | `new AvgMap<u32>()` / `new StatsMap<u32>()`   | `this.x.record(pid, n)`           |
 * | `@ns = hist(delta)`               | `ns = new Log2Histogram()`                    | `this.ns.record(delta)`           |
 * | `@[comm] = lhist(n, 0, 100, 10)`  | `new LinearHistogram<CharArray<16>>({ min: 0, max: 100, step: 10 })` | `this.x.record(comm, n)` |
 *
 * The type argument is the key (any map key type: integers, `CharArray<N>`, structs, stack ids);
 * without one the aggregation has a single value, like bpftrace's `@ = count()`. Values are
 * unsigned integers (u8 to u64), summed and compared as u64.
 *
 * Every aggregation is a per-CPU map (a per-CPU array without a key, a per-CPU hash with one): a
 * program updates its own CPU's copy with plain loads and stores, no atomic instruction, and user
 * space merges the CPUs. Histograms store one count per (key, bucket), as bpftrace does, so a key
 * costs only the buckets it uses. In user space the field is an `AggregationHandle` whose `read()`
 * returns merged, typed results (a histogram's buckets with their bounds), and `tsbpf run` prints
 * them as bpftrace does.
 */
import type { u32, u64 } from "./integers.js";
import { KernelMap } from "./maps-base.js";

/** An aggregated value: any unsigned integer kind (u8 … u64). */
export type AggregatedValue = u64 | u32;

/** `record(key, value)` with a key type, `record(value)` without one. */
type Keyed<K, Rest extends unknown[]> = [K] extends [void] ? Rest : [key: K, ...Rest];

export interface AggregationOptions {
  /**
   * How many entries the per-CPU hash holds (keys; for a keyed histogram, key and bucket pairs).
   * Default 10240. Without a key the map is a per-CPU array sized by the aggregation itself.
   */
  maxEntries?: number;
  /** Pin the map by name under /sys/fs/bpf (see `MapOptions.pinned`). */
  pinned?: boolean;
}

/** The kernel-side method of `CountMap`. */
export interface CountMethods<K> {
  /** Adds one to the key's count (bpftrace's `@[key] = count()`). */
  count(...key: Keyed<K, []>): void;
}

/** The kernel-side method of the other aggregations. */
export interface RecordMethods<K> {
  /** Adds `value` to the aggregation (under `key` when it has one). */
  record(...args: Keyed<K, [value: AggregatedValue]>): void;
}

/** bpftrace's `count()`: how many times each key was seen. User space: a u64 per key. */
export interface CountMap<K = void> extends CountMethods<K> {}
export class CountMap<K = void> extends KernelMap<AggregationOptions> {
  declare private readonly brand: "CountMap";
  declare private readonly key?: K;
}

/** bpftrace's `sum()`: the sum of the values recorded under each key (wrapping at 2^64). */
export interface SumMap<K = void> extends RecordMethods<K> {}
export class SumMap<K = void> extends KernelMap<AggregationOptions> {
  declare private readonly brand: "SumMap";
  declare private readonly key?: K;
}

/** bpftrace's `min()`: the smallest value recorded under each key. */
export interface MinMap<K = void> extends RecordMethods<K> {}
export class MinMap<K = void> extends KernelMap<AggregationOptions> {
  declare private readonly brand: "MinMap";
  declare private readonly key?: K;
}

/** bpftrace's `max()`: the largest value recorded under each key. */
export interface MaxMap<K = void> extends RecordMethods<K> {}
export class MaxMap<K = void> extends KernelMap<AggregationOptions> {
  declare private readonly brand: "MaxMap";
  declare private readonly key?: K;
}

/** bpftrace's `avg()`: the integer mean of the values recorded under each key (count and sum kept). */
export interface AvgMap<K = void> extends RecordMethods<K> {}
export class AvgMap<K = void> extends KernelMap<AggregationOptions> {
  declare private readonly brand: "AvgMap";
  declare private readonly key?: K;
}

/** bpftrace's `stats()`: count, average and total of the values recorded under each key. */
export interface StatsMap<K = void> extends RecordMethods<K> {}
export class StatsMap<K = void> extends KernelMap<AggregationOptions> {
  declare private readonly brand: "StatsMap";
  declare private readonly key?: K;
}

/**
 * bpftrace's `hist()`: a power-of-two histogram per key. Bucket 0 holds 0, bucket k ≥ 1 the
 * values in [2^(k-1), 2^k): printed `[0]`, `[1]`, `[2, 4)`, … `[4K, 8K)`.
 */
export interface Log2Histogram<K = void> extends RecordMethods<K> {}
export class Log2Histogram<K = void> extends KernelMap<AggregationOptions> {
  declare private readonly brand: "Log2Histogram";
  declare private readonly key?: K;
}

export interface LinearHistogramOptions extends AggregationOptions {
  /** The first bucket's low bound (values below it are counted in `(..., min)`). A constant ≥ 0. */
  min: number;
  /** The bound past the last bucket (values from it on are counted in `[max, ...)`). */
  max: number;
  /** Each bucket's width; `max - min` must be a multiple of it, at most 1000 buckets. */
  step: number;
}

/** bpftrace's `lhist(value, min, max, step)`: a histogram of `step`-wide buckets per key. */
export interface LinearHistogram<K = void> extends RecordMethods<K> {}
export class LinearHistogram<K = void> extends KernelMap<LinearHistogramOptions> {
  declare private readonly brand: "LinearHistogram";
  declare private readonly key?: K;
  constructor(options: LinearHistogramOptions) {
    super(options);
  }
}
