/**
 * The maps as `tsbpf run` prints them, at exit and every `--interval`, in bpftrace's manner:
 * maps in order of their names, entries `@name[key]: value` in ascending order of their values,
 * per-CPU values merged, stats as `count 2, average 15, total 30`, histograms one per key with
 * bpftrace's bucket labels (print-histogram.ts).
 *
 * What is printed: aggregations (CountMap, Log2Histogram, ...) and the other key/value maps,
 * except the ones declared `internal: true` (state between programs), which `--all-maps` adds.
 * Arrays of integer counts named `*hist` (the hand-written log2 histograms of bcc's tools) keep
 * their bcc-style rendering (histogram.ts).
 *
 * With `--json` each map is one line (records documented in docs/guide.md, "tsbpf run --json"):
 *   {"kind":"aggregation","map":"calls","aggregation":"count","entries":[["bash",3],["sshd",7]]}
 *   {"kind":"histogram","map":"sizes","aggregation":"hist","entries":[[null,{"buckets":[{"min":4096,"max":8191,"count":2}],"total":2}]]}
 *   {"kind":"map","map":"counts","entries":[[1234,[31,0]]]}   (other maps: raw entries, per-CPU values per CPU)
 *   {"kind":"histogram","map":"hist","buckets":[{"low":1,"high":1,"count":4}]}   (`*hist` arrays)
 */
import { isInternalMap, MapType, type ObjectSpec } from "@tsbpf/object";
import { AggregationHandle, HashMapHandle, type AggregatedResult, type BpfObject, type Histogram } from "@tsbpf/runtime";
import { formatValue, toJson } from "./format.js";
import { formatLog2Histogram, isLog2Histogram, log2Buckets } from "./histogram.js";
import { histogramLines } from "./print-histogram.js";
import type { StackNames } from "./stacks.js";

export interface PrintMapsOptions {
  json: boolean;
  /** Print internal maps too. */
  allMaps: boolean;
}

/** Frames (a stack id stacks.ts named) as bpftrace prints a stack in a key: one frame a line, indented. */
function isFrames(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((v) => typeof v === "string");
}

/**
 * A key as bpftrace writes it between brackets: strings bare, integers in decimal, a struct's
 * members joined by ", ", a stack's frames one a line.
 */
export function keyText(key: unknown): string {
  if (key === undefined || key === null) return "";
  if (isFrames(key)) return "\n" + key.map((frame) => `    ${frame}\n`).join("");
  if (typeof key === "string" || typeof key === "number" || typeof key === "bigint" || typeof key === "boolean") return String(key);
  if (key instanceof Uint8Array) return Buffer.from(key).toString("hex");
  if (Array.isArray(key)) return key.map(keyText).join(", ");
  if (typeof key === "object") return Object.values(key).map(keyText).join(", ");
  return String(key);
}

/** `@name[key]` (or `@name` without a key). */
function label(name: string, key: unknown, keyed: boolean): string {
  return keyed ? `@${name}[${keyText(key)}]` : `@${name}`;
}

/** The maps of an object that `tsbpf run` prints, by name. */
export function printedMaps(object: BpfObject, spec: ObjectSpec | undefined, allMaps: boolean): [string, HashMapHandle | AggregationHandle][] {
  const out: [string, HashMapHandle | AggregationHandle][] = [];
  for (const [name, map] of object.maps) {
    if (name.startsWith(".")) continue;
    if (!(map instanceof AggregationHandle) && !(map instanceof HashMapHandle)) continue;
    if (!allMaps && !(map instanceof AggregationHandle) && spec && isInternalMap(spec.btf, name)) continue;
    out.push([name, map]);
  }
  return out.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/** Prints the maps; with `stacks`, stack ids in keys and values print as their frames (stacks.ts). */
export async function printMaps(object: BpfObject, spec: ObjectSpec | undefined, options: PrintMapsOptions,
  print: (line: string) => void, stacks?: StackNames): Promise<void> {
  for (const [name, map] of printedMaps(object, spec, options.allMaps)) {
    const named = (key: unknown) => (stacks ? stacks.named(key, name) : key);
    if (map instanceof AggregationHandle) await printAggregation(name, map, options.json, print, named);
    else await printPlainMap(name, map, options.json, print, named, stacks);
  }
}

/** Clears the aggregations (`--clear`): the other maps are the programs' state, left as they are. */
export function clearAggregations(object: BpfObject): void {
  for (const map of object.maps.values()) if (map instanceof AggregationHandle) map.clear();
}

async function printAggregation(name: string, map: AggregationHandle, json: boolean, print: (line: string) => void,
  named: (key: unknown) => unknown): Promise<void> {
  const entries = (await map.entries()).map(([key, value]) => [named(key), value] as const);
  if (json) {
    const kind = map.histogram ? "histogram" : "aggregation";
    print(toJson({ kind, map: name, aggregation: map.kind, entries: entries.map(([key, value]) => [key ?? null, jsonResult(value)]) }));
    return;
  }
  if (entries.length === 0) return;
  for (const [key, value] of entries) {
    if (map.histogram) {
      // bpftrace: "@name[key]: " (a trailing space), the buckets, a blank line.
      print(`${label(name, key, map.keyed)}: `);
      for (const line of histogramLines(value as Histogram)) print(line);
      print("");
    } else if (map.kind === "stats") {
      const stats = value as { count: bigint; sum: bigint; avg: bigint };
      print(`${label(name, key, map.keyed)}: count ${stats.count}, average ${stats.avg}, total ${stats.sum}`);
    } else {
      print(`${label(name, key, map.keyed)}: ${value as bigint}`);
    }
  }
  // bpftrace ends a stats or avg map with a blank line, not a count, sum, min or max map.
  if (map.kind === "stats" || map.kind === "avg") print("");
}

function jsonResult(value: AggregatedResult): unknown {
  if (typeof value === "bigint" || !("buckets" in value)) return value;
  const { kind: _kind, ...rest } = value;
  return rest;
}

/** A per-CPU value merged: integers summed, structs member by member; other values as they are. */
function merged(value: unknown): unknown {
  if (!Array.isArray(value) || value.length === 0) return value;
  if (value.every((v) => typeof v === "bigint")) return (value as bigint[]).reduce((a, b) => a + b, 0n);
  if (value.every((v) => typeof v === "number")) return (value as number[]).reduce((a, b) => a + b, 0);
  if (value.every((v) => v && typeof v === "object" && !Array.isArray(v) && !(v instanceof Uint8Array))) {
    const out: Record<string, unknown> = {};
    for (const field of Object.keys(value[0] as object)) out[field] = merged(value.map((v) => (v as Record<string, unknown>)[field]));
    return out;
  }
  return value;
}

async function printPlainMap(name: string, map: HashMapHandle, json: boolean, print: (line: string) => void,
  named: (key: unknown) => unknown, stacks: StackNames | undefined): Promise<void> {
  const entries: [unknown, unknown][] = [];
  for await (const [key, value] of map.entries()) entries.push([named(key), stacks ? stacks.named(value) : value]);
  if (isLog2Histogram(name, entries)) {
    // An array of counts named *hist: a bcc-style log2 histogram (cli/histogram.ts).
    const buckets = log2Buckets(entries);
    if (json) print(toJson({ kind: "histogram", map: name, buckets }));
    else for (const line of formatLog2Histogram(name, buckets)) print(line);
    return;
  }
  if (json) {
    print(toJson({ kind: "map", map: name, entries }));
    return;
  }
  const perCpu = map.type === MapType.PerCpuHash || map.type === MapType.PerCpuArray || map.type === MapType.LruPerCpuHash;
  const rows = entries.map(([key, value]) => [key, perCpu ? merged(value) : value] as const);
  // Integer values in ascending order, as bpftrace sorts its maps; others as the map walks them.
  if (rows.every(([, v]) => typeof v === "bigint" || typeof v === "number")) {
    rows.sort(([, a], [, b]) => ((a as bigint | number) < (b as bigint | number) ? -1 : (a as bigint | number) > (b as bigint | number) ? 1 : 0));
  }
  for (const [key, value] of rows) {
    const text = value && typeof value === "object" && !Array.isArray(value) && !(value instanceof Uint8Array) ? `{${formatValue(value)}}` : formatValue(value);
    print(`${label(name, key, true)}: ${text}`);
  }
}
