/**
 * Histograms as bpftrace prints them: one line per bucket from the first non-empty one to the
 * last, `[label)` padded to 16 columns, the count right-aligned in 8, and a bar of `@` scaled to
 * 52 columns for the fullest bucket:
 *
 *   [4K, 8K)               2 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|
 *
 * Power-of-two bounds take bpftrace's binary suffixes (`[512, 1K)`, `[1M, 2M)`); linear ones are
 * written plainly or in K/M when they are whole multiples (`[1K, 2K)`, `[100, ...)`).
 */
import type { Histogram, HistogramBucket } from "@tsbpf/runtime";

const BAR_WIDTH = 52;
const SUFFIXES = ["", "K", "M", "G", "T", "P", "E"];

/** 2^power with bpftrace's suffix: 512, 1K, 2K, ..., 1M. */
export function powerLabel(power: number): string {
  const unit = Math.min(Math.floor(power / 10), SUFFIXES.length - 1);
  return `${1n << BigInt(power - unit * 10)}${SUFFIXES[unit]}`;
}

/** A linear bound as bpftrace writes it: whole mebis as M, whole kibis as K, else the number. */
export function linearLabel(value: bigint): string {
  if (value === 0n) return "0";
  if (value % (1n << 20n) === 0n) return `${value >> 20n}M`;
  if (value % 1024n === 0n) return `${value >> 10n}K`;
  return String(value);
}

function log2(value: bigint): number {
  return value.toString(2).length - 1;
}

/** The label of one bucket: `(..., 0)` (a signed histogram's negative values), `[0]`, `[1]`, `[2, 4)`, `[4K, 8K)`; linear `(..., 0)`, `[10, 20)`, `[100, ...)`. */
export function bucketLabel(kind: Histogram["kind"], bucket: HistogramBucket): string {
  const { min, max } = bucket;
  if (kind === "hist") {
    if (min === undefined) return "(..., 0)";
    if (max === 0n) return "[0]";
    if (max === 1n) return "[1]";
    return `[${powerLabel(log2(min!))}, ${powerLabel(log2(max! + 1n))})`;
  }
  if (min === undefined) return `(..., ${linearLabel(max! + 1n)})`;
  if (max === undefined) return `[${linearLabel(min)}, ...)`;
  return `[${linearLabel(min)}, ${linearLabel(max + 1n)})`;
}

/** The bucket lines of a histogram (no header). */
export function histogramLines(histogram: Histogram): string[] {
  const fullest = histogram.buckets.reduce((m, b) => (b.count > m ? b.count : m), 0n);
  return histogram.buckets.map((bucket) => {
    const bar = fullest === 0n ? 0 : Number((bucket.count * BigInt(BAR_WIDTH)) / fullest);
    return `${bucketLabel(histogram.kind, bucket).padEnd(16)}${String(bucket.count).padStart(8)} |${"@".repeat(bar).padEnd(BAR_WIDTH)}|`;
  });
}
