/**
 * A probe's maps read into metric families, the one model the Prometheus and OpenTelemetry
 * exporters both write from:
 * - CountMap, SumMap: counters (`<prefix><map>_total`); MinMap, MaxMap, AvgMap: gauges;
 *   StatsMap: a summary without quantiles (`_count`, `_sum`); Log2Histogram, LinearHistogram:
 *   histograms with cumulative `le` buckets (buckets.ts) and `_count`. The kernel keeps only the
 *   counts of a histogram's slots, not the sum of its values: `_sum` is written when a SumMap named
 *   `<histogram>Sum` (or the one given as `sum`) records the same values under the same keys.
 * - other key/value maps (hash, array, their per-CPU and LRU kinds) whose values are integers:
 *   gauges (counters with `type: "counter"`), per-CPU values summed; struct values give one gauge
 *   per integer member (`<map>_<member>`). Maps declared `internal: true` are left out unless
 *   `allMaps`. Anything else (ring buffers, stack traces, program arrays) is not a metric.
 * Keys become labels (labels.ts). Reading only looks up (BPF_MAP_GET_NEXT_KEY, LOOKUP): a read
 * never changes a map. Each map gives at most `maxSeriesPerMap` series; what is left out is
 * counted in `dropped` (exported as `tsbpf_metrics_series_dropped{map}`).
 * Integers become JavaScript numbers: exact up to 2^53.
 */
import { isInternalMap } from "@tsbpf/object";
import { AggregationHandle, BpfObject, HashMapHandle, type Histogram, type Stats } from "@tsbpf/runtime";
import { cumulative } from "./buckets.js";
import { keyLabels, type Labels } from "./labels.js";
import { metricName, snakeCase } from "./names.js";

/** How one map is exported. */
export interface MapMetricOptions {
  /** Leave this map out. */
  skip?: boolean;
  /** The metric's name (default: the prefix and the map's name in snake case). */
  name?: string;
  /** The metric's help text (default: what the map holds). */
  help?: string;
  /** A unit, appended to the name as Prometheus asks (`bytes`, `seconds`) and given to OpenTelemetry. */
  unit?: string;
  /** A factor applied to values, bucket bounds and sums (1e-9: nanoseconds recorded, seconds exported). */
  scale?: number;
  /** A plain map's integer values are gauges unless this says "counter". */
  type?: "counter" | "gauge";
  /** The label of a key that is not a struct (default `key`). */
  keyLabel?: string;
  /** For a histogram: the SumMap recording the same values under the same keys, for `_sum` (default `<map>Sum` if there is one). */
  sum?: string;
}

export interface ReadOptions {
  /** Put before every metric's name (default `tsbpf_`). */
  prefix?: string;
  /** Per map, by the map's name in the probe. */
  maps?: Record<string, MapMetricOptions>;
  /** Export maps declared `internal: true` too. */
  allMaps?: boolean;
  /** The most series one map gives in one read (default 2000, OpenTelemetry's default cardinality limit). */
  maxSeriesPerMap?: number;
  /** Labels on every series (a node's name, say). */
  constLabels?: Labels;
  /** Adds labels to a series from its key (cgroup identity: enrich.ts). Called once per key and read. */
  enrich?: (labels: Labels, key: unknown) => Labels;
}

export interface Point { labels: Labels; value: number }
export interface HistogramPoint { labels: Labels; buckets: { le: number; count: number }[]; count: number; sum?: number }
export interface SummaryPoint { labels: Labels; count: number; sum: number }

interface FamilyBase { name: string; help: string; unit?: string; map: string }
export type Family =
  | (FamilyBase & { type: "counter" | "gauge"; points: Point[] })
  | (FamilyBase & { type: "histogram"; points: HistogramPoint[] })
  | (FamilyBase & { type: "summary"; points: SummaryPoint[] });

export interface Reading {
  families: Family[];
  /** Series left out by the cap, per map (0 for maps that lost none); also the family `tsbpf_metrics_series_dropped`. */
  dropped: Map<string, number>;
}

/** A probe as the exporters take it: a loaded object, or what `load()` returns (it has `.object`). */
export type ProbeLike = BpfObject | { object: BpfObject };

export function objectOf(probe: ProbeLike): BpfObject {
  return probe instanceof BpfObject ? probe : probe.object;
}

const AGGREGATION_HELP: Record<string, string> = {
  count: "count() per key", sum: "sum() per key", min: "min() per key", max: "max() per key", avg: "avg() per key",
  stats: "stats() per key: count and sum", hist: "hist(): log2 histogram", lhist: "lhist(): linear histogram",
};

/** A stable text of a key, to pair a histogram's keys with its SumMap's. */
function keyId(key: unknown): string {
  return JSON.stringify(key ?? null, (_k, v: unknown) => (typeof v === "bigint" ? `${v}` : v instanceof Uint8Array ? [...v] : v));
}

/** A per-CPU value merged: integers summed, structs member by member. */
function merged(value: unknown): unknown {
  if (!Array.isArray(value) || value.length === 0) return value;
  if (value.every((v) => typeof v === "bigint" || typeof v === "number")) return value.reduce((a: bigint, b) => a + BigInt(b as bigint), 0n);
  if (value.every((v) => v && typeof v === "object" && !Array.isArray(v) && !(v instanceof Uint8Array))) {
    const out: Record<string, unknown> = {};
    for (const field of Object.keys(value[0] as object)) out[field] = merged(value.map((v) => (v as Record<string, unknown>)[field]));
    return out;
  }
  return value;
}

const isPerCpu = (type: number) => type === 5 || type === 6 || type === 10; // PERCPU_HASH, PERCPU_ARRAY, LRU_PERCPU_HASH

/** The probe's maps that are metrics, by name, sorted. */
function metricMaps(object: BpfObject, options: ReadOptions): [string, AggregationHandle | HashMapHandle][] {
  const out: [string, AggregationHandle | HashMapHandle][] = [];
  for (const [name, map] of object.maps) {
    if (name.startsWith(".") || options.maps?.[name]?.skip) continue;
    if (!(map instanceof AggregationHandle) && !(map instanceof HashMapHandle)) continue;
    if (!options.allMaps && !(map instanceof AggregationHandle) && isInternalMap(object.spec.btf, name)) continue;
    out.push([name, map]);
  }
  return out.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/** Reads every metric map of the probes (`probe` labels them when there are several). */
export async function readFamilies(probes: { name: string; object: BpfObject }[], options: ReadOptions = {}): Promise<Reading> {
  const prefix = options.prefix ?? "tsbpf_";
  const cap = options.maxSeriesPerMap ?? 2000;
  const families = new Map<string, Family>();
  const dropped = new Map<string, number>();
  for (const { name: probe, object } of probes) {
    const base: Labels = { ...(options.constLabels ?? {}), ...(probes.length > 1 ? { probe } : {}) };
    const labelsOf = (key: unknown, keyLabel: string | undefined) => {
      const labels = { ...base, ...keyLabels(key, keyLabel) };
      return options.enrich ? options.enrich(labels, key) : labels;
    };
    for (const [mapName, map] of metricMaps(object, options)) {
      const o = options.maps?.[mapName] ?? {};
      const scale = o.scale ?? 1;
      const num = (v: bigint) => Number(v) * scale;
      let series = 0;
      dropped.set(mapName, dropped.get(mapName) ?? 0);
      const admit = () => {
        if (series < cap) return ++series > 0;
        dropped.set(mapName, (dropped.get(mapName) ?? 0) + 1);
        return false;
      };
      const add = (family: Family) => {
        const existing = families.get(family.name);
        if (!existing) families.set(family.name, family);
        else if (existing.type === family.type) (existing.points as unknown[]).push(...family.points);
        else families.set((family.name = `${family.name}_${snakeCase(probe)}`), family);   // two probes, one name, two kinds
      };
      if (map instanceof AggregationHandle) {
        const help = o.help ?? `${mapName}: ${AGGREGATION_HELP[map.kind]}`;
        const entries = await map.entries();
        if (map.histogram) {
          const sums = await histogramSums(object, mapName, o.sum);
          const points: HistogramPoint[] = [];
          for (const [key, value] of entries) {
            if (!admit()) continue;
            const c = cumulative(value as Histogram, map.linear);
            const sum = sums?.get(keyId(key));
            points.push({ labels: labelsOf(key, o.keyLabel), buckets: c.buckets.map((b) => ({ le: num(b.le), count: Number(b.count) })),
              count: Number(c.count), ...(sum !== undefined ? { sum: num(sum) } : {}) });
          }
          add({ type: "histogram", name: o.name ?? metricName(prefix, mapName, o.unit, false), help, unit: o.unit, map: mapName, points });
        } else if (map.kind === "stats") {
          const points: SummaryPoint[] = [];
          for (const [key, value] of entries) {
            if (admit()) points.push({ labels: labelsOf(key, o.keyLabel), count: Number((value as Stats).count), sum: num((value as Stats).sum) });
          }
          add({ type: "summary", name: o.name ?? metricName(prefix, mapName, o.unit, false), help, unit: o.unit, map: mapName, points });
        } else {
          const counter = map.kind === "count" || map.kind === "sum";
          const points: Point[] = [];
          for (const [key, value] of entries) if (admit()) points.push({ labels: labelsOf(key, o.keyLabel), value: num(value as bigint) });
          add({ type: counter ? "counter" : "gauge", name: o.name ?? metricName(prefix, mapName, o.unit, counter), help, unit: o.unit, map: mapName, points });
        }
        continue;
      }
      // A plain map: integer values, or structs of integers.
      const perCpu = isPerCpu(map.type);
      const counter = o.type === "counter";
      const byMember = new Map<string, Point[]>();
      for await (const [key, raw] of map.entries()) {
        const value = perCpu ? merged(raw) : raw;
        if (typeof value === "bigint" || typeof value === "number") {
          if (!admit()) continue;
          let list = byMember.get("");
          if (!list) byMember.set("", (list = []));
          list.push({ labels: labelsOf(key, o.keyLabel), value: num(BigInt(value)) });
        } else if (value && typeof value === "object" && !Array.isArray(value) && !(value instanceof Uint8Array)) {
          if (!admit()) continue;
          const labels = labelsOf(key, o.keyLabel);
          for (const [member, v] of Object.entries(value)) {
            if (typeof v !== "bigint" && typeof v !== "number") continue;
            let list = byMember.get(member);
            if (!list) byMember.set(member, (list = []));
            list.push({ labels, value: num(BigInt(v)) });
          }
        }
      }
      for (const [member, points] of byMember) {
        const stem = member ? `${mapName}_${snakeCase(member)}` : mapName;
        add({ type: counter ? "counter" : "gauge", name: member ? metricName(prefix, stem, o.unit, counter) : o.name ?? metricName(prefix, stem, o.unit, counter),
          help: o.help ?? `${mapName}${member ? `.${member}` : ""}: map values`, unit: o.unit, map: mapName, points });
      }
    }
  }
  const droppedFamily: Family = { type: "gauge", name: "tsbpf_metrics_series_dropped", map: "", points: [...dropped].map(([map, count]) => ({ labels: { map }, value: count })),
    help: "series of a map left out of the last read by the cap on series (maxSeriesPerMap)" };
  return { families: [...families.values(), droppedFamily], dropped };
}

/** The SumMap that gives a histogram its `_sum`, by key, or undefined. */
async function histogramSums(object: BpfObject, histogram: string, named: string | undefined): Promise<Map<string, bigint> | undefined> {
  const map = object.maps.get(named ?? `${histogram}Sum`);
  if (!(map instanceof AggregationHandle) || map.kind !== "sum") return undefined;
  return new Map((await map.entries()).map(([key, value]) => [keyId(key), value as bigint]));
}
