/**
 * An aggregation map's metric family (the mapping is in families.ts): counters from count() and
 * sum(), gauges from min(), max(), avg(), a summary from stats(), histograms from hist() and lhist()
 * with their `_sum` from a companion SumMap when there is one.
 */
import { AggregationHandle, type BpfObject, type Histogram, type Stats } from "@tsbpf/runtime";
import { cumulative } from "./buckets.js";
import type { Family, HistogramPoint, MapContext, Point, SummaryPoint } from "./families.js";
import { metricName } from "./names.js";

const AGGREGATION_HELP: Record<string, string> = {
  count: "count() per key", sum: "sum() per key", min: "min() per key", max: "max() per key", avg: "avg() per key",
  stats: "stats() per key: count and sum", hist: "hist(): log2 histogram", lhist: "lhist(): linear histogram",
};

/** A stable text of a key, to pair a histogram's keys with its SumMap's. */
function keyId(key: unknown): string {
  return JSON.stringify(key ?? null, (_k, v: unknown) => (typeof v === "bigint" ? `${v}` : v instanceof Uint8Array ? [...v] : v));
}

export async function aggregationFamilies(map: AggregationHandle, { probe, mapName, options, prefix, num, admit, labelsOf }: MapContext): Promise<Family[]> {
  const out: Family[] = [];
  const help = options.help ?? `${mapName}: ${AGGREGATION_HELP[map.kind]}`;
  const entries = await map.entries();
  if (map.histogram) {
    const sums = await histogramSums(probe, mapName, options.sum);
    const points: HistogramPoint[] = [];
    for (const [key, value] of entries) {
      if (!admit()) continue;
      const c = cumulative(value as Histogram, map.linear);
      const sum = sums?.get(keyId(key));
      points.push({ labels: labelsOf(key), buckets: c.buckets.map((b) => ({ le: num(b.le), count: Number(b.count) })),
        count: Number(c.count), ...(sum !== undefined ? { sum: num(sum) } : {}) });
    }
    out.push({ type: "histogram", name: options.name ?? metricName(prefix, mapName, options.unit, false), help, unit: options.unit, map: mapName, points });
  } else if (map.kind === "stats") {
    const points: SummaryPoint[] = [];
    for (const [key, value] of entries) {
      if (admit()) points.push({ labels: labelsOf(key), count: Number((value as Stats).count), sum: num((value as Stats).sum) });
    }
    out.push({ type: "summary", name: options.name ?? metricName(prefix, mapName, options.unit, false), help, unit: options.unit, map: mapName, points });
  } else {
    const counter = map.kind === "count" || map.kind === "sum";
    const points: Point[] = [];
    for (const [key, value] of entries) if (admit()) points.push({ labels: labelsOf(key), value: num(value as bigint) });
    out.push({ type: counter ? "counter" : "gauge", name: options.name ?? metricName(prefix, mapName, options.unit, counter), help, unit: options.unit, map: mapName, points });
  }
  return out;
}

/** The SumMap that gives a histogram its `_sum`, by key, or undefined. */
async function histogramSums(object: BpfObject, histogram: string, named: string | undefined): Promise<Map<string, bigint> | undefined> {
  const map = object.maps.get(named ?? `${histogram}Sum`);
  if (!(map instanceof AggregationHandle) || map.kind !== "sum") return undefined;
  return new Map((await map.entries()).map(([key, value]) => [keyId(key), value as bigint]));
}
