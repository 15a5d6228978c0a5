/**
 * Log2 histograms as `tsbpf run` prints them (bcc's print_log2_hist): an array map of integer
 * counts whose name ends in `hist` (`hist`, `latencyHist`) is read as slot k = values from 2^k to
 * 2^(k+1)-1 (slot 0: 0 and 1), and printed with a bar per slot, empty slots at either end left out.
 */
const WIDTH = 40;

/** Whether a map's contents are a log2 histogram by name and shape (u32 slots to integer counts). */
export function isLog2Histogram(name: string, entries: readonly (readonly [unknown, unknown])[]): boolean {
  return /hist$/i.test(name) && entries.length > 0 && entries.every(([k, v]) => typeof k === "number" && (typeof v === "bigint" || typeof v === "number"));
}

export interface Bucket {
  low: bigint;
  high: bigint;
  count: bigint;
}

/** The non-empty span of slots as buckets. */
export function log2Buckets(entries: readonly (readonly [unknown, unknown])[]): Bucket[] {
  const counts: bigint[] = [];
  for (const [k, v] of entries) counts[k as number] = BigInt(v as bigint | number);
  const first = counts.findIndex((c) => (c ?? 0n) > 0n);
  if (first < 0) return [];
  let last = counts.length - 1;
  while ((counts[last] ?? 0n) === 0n) last--;
  const out: Bucket[] = [];
  for (let k = first; k <= last; k++) out.push({ low: k === 0 ? 0n : 1n << BigInt(k), high: (1n << BigInt(k + 1)) - 1n, count: counts[k] ?? 0n });
  return out;
}

/** The histogram as text lines under a header naming the map. */
export function formatLog2Histogram(name: string, buckets: readonly Bucket[], unit = "value"): string[] {
  if (buckets.length === 0) return [`${name}: (empty)`];
  const max = buckets.reduce((m, b) => (b.count > m ? b.count : m), 0n);
  const lines = [`${name}:`, `${unit.padStart(20)}${" ".repeat(22)}: count     distribution`];
  for (const b of buckets) {
    const stars = max === 0n ? 0 : Number((b.count * BigInt(WIDTH)) / max);
    lines.push(`${String(b.low).padStart(20)} -> ${String(b.high).padEnd(18)}: ${String(b.count).padEnd(9)} |${"*".repeat(stars).padEnd(WIDTH)}|`);
  }
  return lines;
}
