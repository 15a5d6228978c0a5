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
 * The first type argument is the key (any map key type: integers, `CharArray<N>`, structs, stack
 * ids); without one (or `void`) the aggregation has a single value, like bpftrace's `@ = count()`.
 * The second, for the aggregations that take values, is their kind: `u64` (the default; u8 to
 * u64 values, summed and compared as u64) or `i64` (i8 to i64 values, sign-extended, summed and
 * compared as i64; a log2 histogram then counts negative values in bpftrace's `(..., 0)` bucket):
 * `new SumMap<u32, i64>()` is bpftrace's `@[pid] = sum($signed)`.
 *
 * Every aggregation is a per-CPU map (a per-CPU array without a key, a per-CPU hash with one): a
 * program updates its own CPU's copy with plain loads and stores, no atomic instruction, and user
 * space merges the CPUs. Histograms store one count per (key, bucket), as bpftrace does, so a key
 * costs only the buckets it uses. In user space the field is an `AggregationHandle` whose `read()`
 * returns merged, typed results (a histogram's buckets with their bounds), and `tsbpf run` prints
 * them as bpftrace does.
 */
import type { i32, i64, u32, u64 } from "./integers.js";
import { KernelMap } from "./maps-base.js";

/** An aggregated value: any unsigned integer kind (u8 … u64). */
export type AggregatedValue = u64 | u32;
/** A signed aggregated value (the value kind `i64`): any signed integer kind (i8 … i64). */
export type SignedAggregatedValue = i64 | i32;
/** The kind of the values an aggregation takes: `u64` (unsigned, the default) or `i64` (signed). */
export type AggregationValueKind = u64 | i64;
/** What `record()` takes for a value kind. */
type ValueOf<V> = [V] extends [i64] ? ([V] extends [u64] ? AggregatedValue : SignedAggregatedValue) : AggregatedValue;

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
export interface RecordMethods<K, V = u64> {
  /** Adds `value` to the aggregation (under `key` when it has one). */
  record(...args: Keyed<K, [value: ValueOf<V>]>): void;
}

/** bpftrace's `count()`: how many times each key was seen. User space: a u64 per key. */
export interface CountMap<K = void> extends CountMethods<K> {}
export class CountMap<K = void> extends KernelMap<AggregationOptions> {
  declare private readonly brand: "CountMap";
  declare private readonly key?: K;
}

/** bpftrace's `sum()`: the sum of the values recorded under each key (wrapping at 2^64). */
export interface SumMap<K = void, V extends AggregationValueKind = u64> extends RecordMethods<K, V> {}
export class SumMap<K = void, V extends AggregationValueKind = u64> extends KernelMap<AggregationOptions> {
  declare private readonly brand: "SumMap";
  declare private readonly key?: K;
  declare private readonly valueKind?: V;
}

/** bpftrace's `min()`: the smallest value recorded under each key. */
export interface MinMap<K = void, V extends AggregationValueKind = u64> extends RecordMethods<K, V> {}
export class MinMap<K = void, V extends AggregationValueKind = u64> extends KernelMap<AggregationOptions> {
  declare private readonly brand: "MinMap";
  declare private readonly key?: K;
  declare private readonly valueKind?: V;
}

/** bpftrace's `max()`: the largest value recorded under each key. */
export interface MaxMap<K = void, V extends AggregationValueKind = u64> extends RecordMethods<K, V> {}
export class MaxMap<K = void, V extends AggregationValueKind = u64> extends KernelMap<AggregationOptions> {
  declare private readonly brand: "MaxMap";
  declare private readonly key?: K;
  declare private readonly valueKind?: V;
}

/** bpftrace's `avg()`: the integer mean of the values recorded under each key (count and sum kept). */
export interface AvgMap<K = void, V extends AggregationValueKind = u64> extends RecordMethods<K, V> {}
export class AvgMap<K = void, V extends AggregationValueKind = u64> extends KernelMap<AggregationOptions> {
  declare private readonly brand: "AvgMap";
  declare private readonly key?: K;
  declare private readonly valueKind?: V;
}

/** bpftrace's `stats()`: count, average and total of the values recorded under each key. */
export interface StatsMap<K = void, V extends AggregationValueKind = u64> extends RecordMethods<K, V> {}
export class StatsMap<K = void, V extends AggregationValueKind = u64> extends KernelMap<AggregationOptions> {
  declare private readonly brand: "StatsMap";
  declare private readonly key?: K;
  declare private readonly valueKind?: V;
}

/**
 * bpftrace's `hist()`: a power-of-two histogram per key. Bucket 0 holds 0, bucket k ≥ 1 the
 * values in [2^(k-1), 2^k): printed `[0]`, `[1]`, `[2, 4)`, … `[4K, 8K)`; with signed values
 * (`Log2Histogram<K, i64>`) negative ones are counted in `(..., 0)`.
 */
export interface Log2Histogram<K = void, V extends AggregationValueKind = u64> extends RecordMethods<K, V> {}
export class Log2Histogram<K = void, V extends AggregationValueKind = u64> extends KernelMap<AggregationOptions> {
  declare private readonly brand: "Log2Histogram";
  declare private readonly key?: K;
  declare private readonly valueKind?: V;
}

export interface LinearHistogramOptions extends AggregationOptions {
  /**
   * The first bucket's low bound (values below it, negative ones of a signed histogram included,
   * are counted in `(..., min)`). A constant ≥ 0, as bpftrace requires.
   */
  min: number;
  /** The bound past the last bucket (values from it on are counted in `[max, ...)`). */
  max: number;
  /** Each bucket's width; `max - min` must be a multiple of it, at most 1000 buckets. */
  step: number;
}

/** bpftrace's `lhist(value, min, max, step)`: a histogram of `step`-wide buckets per key. */
export interface LinearHistogram<K = void, V extends AggregationValueKind = u64> extends RecordMethods<K, V> {}
export class LinearHistogram<K = void, V extends AggregationValueKind = u64> extends KernelMap<LinearHistogramOptions> {
  declare private readonly brand: "LinearHistogram";
  declare private readonly key?: K;
  declare private readonly valueKind?: V;
  constructor(options: LinearHistogramOptions) {
    super(options);
  }
}
