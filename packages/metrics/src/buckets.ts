/**
 * A kernel histogram's buckets as Prometheus' cumulative `le` buckets. The kernel records integers,
 * so a bucket holding the values min..max (inclusive) is exactly `le = max`:
 * - log2 (`Log2Histogram`, bpftrace's hist()): slot 0 holds 0, slot k the values 2^(k-1)..2^k-1,
 *   so the bounds are 0, 1, 3, 7, 15, ...; every slot from 0 to the highest one that holds a value
 *   is written (at most 65), so that the set of series only grows;
 * - linear (`LinearHistogram`, lhist()): the slot below `min` is `le = min - 1` (none when min is 0), the inner slots
 *   `le = low + step - 1`, and the slot from `max` on only counts in `+Inf`; every slot is written.
 * `+Inf` is the total.
 */
import type { Histogram } from "@tsbpf/runtime";

export interface CumulativeBucket {
  /** The inclusive upper bound. */
  le: bigint;
  /** How many values are <= le. */
  count: bigint;
}

export interface Cumulative {
  buckets: CumulativeBucket[];
  /** Every value recorded (the `+Inf` bucket and `_count`). */
  count: bigint;
}

/** The bounds of a linear histogram's finite slots. */
function linearBounds(linear: { min: bigint; max: bigint; step: bigint }): bigint[] {
  // Values are unsigned: with min 0 the slot below it never holds one, and is left out.
  const out = linear.min > 0n ? [linear.min - 1n] : [];
  for (let low = linear.min; low < linear.max; low += linear.step) out.push(low + linear.step - 1n);
  return out;
}

/** The bounds of log2 slots 0..highest. */
function log2Bounds(highest: bigint): bigint[] {
  const out = [0n];
  for (let k = 1n; out[out.length - 1]! < highest; k++) out.push((1n << k) - 1n);
  return out;
}

export function cumulative(histogram: Histogram, linear?: { min: bigint; max: bigint; step: bigint }): Cumulative {
  const finite = histogram.buckets.filter((b) => b.max !== undefined) as { max: bigint; count: bigint }[];
  const highest = finite.reduce((m, b) => (b.max > m ? b.max : m), 0n);
  const bounds = histogram.kind === "lhist" && linear ? linearBounds(linear) : log2Bounds(highest);
  let running = 0n;
  let next = 0;
  const sorted = [...finite].sort((a, b) => (a.max < b.max ? -1 : a.max > b.max ? 1 : 0));
  const buckets = bounds.map((le) => {
    while (next < sorted.length && sorted[next]!.max <= le) running += sorted[next++]!.count;
    return { le, count: running };
  });
  return { buckets, count: histogram.total };
}
