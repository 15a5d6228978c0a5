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
import { AggregationHandle, BpfObject, HashMapHandle } from "@tsbpf/runtime";
import { keyLabels, type Labels } from "./labels.js";
import { aggregationFamilies } from "./aggregation-families.js";
import { snakeCase } from "./names.js";
import { plainMapFamilies } from "./plain-map-families.js";

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


/** What reading one map needs: its options, the cap, and the labels of a key. */
export interface MapContext {
  probe: BpfObject;
  mapName: string;
  options: MapMetricOptions;
  prefix: string;
  /** An integer as a metric value (scaled). */
  num(v: bigint): number;
  /** Whether one more series fits under the cap (counted as dropped when not). */
  admit(): boolean;
  labelsOf(key: unknown): Labels;
}

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
      const context: MapContext = { probe: object, mapName, options: o, prefix, num: (v: bigint) => Number(v) * (o.scale ?? 1), admit, labelsOf: (key) => labelsOf(key, o.keyLabel) };
      const produced = map instanceof AggregationHandle ? await aggregationFamilies(map, context) : await plainMapFamilies(map, context);
      for (const family of produced) add(family);
    }
  }
  const droppedFamily: Family = { type: "gauge", name: "tsbpf_metrics_series_dropped", map: "", points: [...dropped].map(([map, count]) => ({ labels: { map }, value: count })),
    help: "series of a map left out of the last read by the cap on series (maxSeriesPerMap)" };
  return { families: [...families.values(), droppedFamily], dropped };
}

