/**
 * `AggregationHandle`: the user-space side of the DSL's aggregations (CountMap, SumMap, MinMap,
 * MaxMap, AvgMap, StatsMap, Log2Histogram, LinearHistogram; bpftrace's count(), sum(), min(),
 * max(), avg(), stats(), hist(), lhist()). The kernel keeps one value per CPU; this handle merges
 * the CPUs and returns typed results: a bigint per key, `{ count, sum, avg }` for stats, a
 * histogram's buckets with their bounds.
 *
 * Which aggregation a map holds is read from the BTF name of its value struct, which the
 * compiler writes (`tsbpf_count`, `tsbpf_hist`, `tsbpf_lhist_<min>_<max>_<step>`, ...; layouts in
 * packages/compiler/src/frontend/aggregation-field.ts): a built object needs no source.
 */
import type { Btf } from "@tsbpf/object";
import { BpfMap } from "./map.js";
import type { HashMapHandle } from "./hash-map.js";

export type AggregationKind = "count" | "sum" | "min" | "max" | "avg" | "stats" | "hist" | "lhist";

/** What a map's value struct says about it (undefined: not an aggregation). */
export interface AggregationInfo {
  kind: AggregationKind;
  /** A linear histogram's bounds. */
  linear?: { min: bigint; max: bigint; step: bigint };
  /**
   * Whether the values are signed (`SumMap<K, i64>`): sums, minimums and maximums are i64 members
   * in the BTF; a signed log2 histogram (`tsbpf_hist_signed`) counts negative values in slot 0.
   */
  signed?: boolean;
}

/** One bucket: the values from `min` to `max` inclusive (either open-ended when undefined), and how many fell in it. */
export interface HistogramBucket {
  min: bigint | undefined;
  max: bigint | undefined;
  count: bigint;
}

/** A histogram as bpftrace prints it: the buckets from the first non-empty one to the last. */
export interface Histogram {
  kind: "hist" | "lhist";
  buckets: HistogramBucket[];
  /** Every value recorded (the sum of all buckets). */
  total: bigint;
  /** A linear histogram's step (the width of its inner buckets). */
  step?: bigint;
}

export interface Stats {
  count: bigint;
  sum: bigint;
  /** sum / count, rounded down as bpftrace's integer division does (0 without values). */
  avg: bigint;
}

/** The merged value of one key: a bigint (count, sum, min, max, avg), stats, or a histogram. */
export type AggregatedResult = bigint | Stats | Histogram;

const KINDS = new Set<string>(["count", "sum", "min", "max", "avg", "stats", "hist"]);

/** Reads the aggregation a map holds from its BTF value type, or undefined. */
export function aggregationOf(btf: Btf, valueTypeId: number): AggregationInfo | undefined {
  const type = valueTypeId ? btf.types[valueTypeId - 1] : undefined;
  if (!type || type.kind !== "struct" || !type.name.startsWith("tsbpf_")) return undefined;
  const name = type.name.slice("tsbpf_".length);
  if (name === "hist_signed") return { kind: "hist", signed: true };
  if (KINDS.has(name)) return { kind: name as AggregationKind, signed: hasSignedMember(btf, type.members) };
  const linear = /^lhist_(\d+)_(\d+)_(\d+)$/.exec(name);
  if (linear) return { kind: "lhist", linear: { min: BigInt(linear[1]!), max: BigInt(linear[2]!), step: BigInt(linear[3]!) } };
  return undefined;
}

/** Whether a sum, min or max member is a signed integer (a signed aggregation's). */
function hasSignedMember(btf: Btf, members: readonly { name: string; type: number }[]): boolean {
  return members.some((member) => {
    if (!["sum", "min", "max"].includes(member.name)) return false;
    let type = member.type ? btf.types[member.type - 1] : undefined;
    // Through typedefs and qualifiers (at most a few; a bound keeps a malformed chain finite).
    for (let hops = 0; hops < 16 && type && "type" in type && (type.kind === "typedef" || type.kind === "const" || type.kind === "volatile"); hops++) {
      type = type.type ? btf.types[type.type - 1] : undefined;
    }
    return type?.kind === "int" && type.signed;
  });
}

/** The per-CPU value structs as the codecs decode them. */
type CpuValue = { count?: bigint; sum?: bigint; min?: bigint; max?: bigint; seen?: bigint };

/** A stable text for a decoded key, to group a histogram's (key, slot) entries by key. */
function keyText(key: unknown): string {
  return JSON.stringify(key, (_k, v: unknown) => (typeof v === "bigint" ? `${v}n` : v instanceof Uint8Array ? [...v] : v));
}

/** The order bpftrace prints a map in: ascending by value (stats and avg by average, histograms by total). */
function sortValue(result: AggregatedResult): bigint {
  if (typeof result === "bigint") return result;
  if ("avg" in result) return result.avg;
  return result.total;
}

/**
 * An aggregation map. `K` is the key as user space reads it (undefined for an aggregation
 * without a key), `R` the merged result type.
 */
export class AggregationHandle<K = unknown, R extends AggregatedResult = AggregatedResult> extends BpfMap {
  readonly kind: AggregationKind;
  /** Whether the aggregation has a key (a per-CPU hash) or a single value (a per-CPU array). */
  readonly keyed: boolean;
  readonly linear: AggregationInfo["linear"];
  /** Whether the values are signed (results may be negative). */
  readonly signed: boolean;
  /** The per-CPU map underneath, with each CPU's raw values. */
  readonly perCpu: HashMapHandle<unknown, CpuValue[]>;

  constructor(perCpu: HashMapHandle<unknown, CpuValue[]>, info: AggregationInfo) {
    super(perCpu.fd, perCpu);
    this.perCpu = perCpu;
    this.kind = info.kind;
    this.linear = info.linear;
    this.signed = info.signed ?? false;
    this.keyed = perCpu.type !== 6; /* BPF_MAP_TYPE_PERCPU_ARRAY */
  }

  get histogram(): boolean {
    return this.kind === "hist" || this.kind === "lhist";
  }

  /**
   * Every key and its merged result, in the order bpftrace prints them: ascending by value
   * (by average for avg and stats, by total count for histograms). An aggregation without a key
   * gives one entry, keyed `undefined`, once anything was recorded.
   */
  async entries(): Promise<[K, R][]> {
    const out: [K, R][] = [];
    if (this.histogram) {
      const groups = new Map<string, { key: unknown; slots: Map<number, bigint> }>();
      for await (const [rawKey, perCpu] of this.perCpu.entries()) {
        const { key, slot } = this.keyed ? (rawKey as { key: unknown; slot: bigint }) : { key: undefined, slot: BigInt(rawKey as number) };
        const count = perCpu.reduce((sum, v) => sum + (v.count ?? 0n), 0n);
        if (count === 0n) continue;
        const text = keyText(key);
        let group = groups.get(text);
        if (!group) groups.set(text, (group = { key, slots: new Map() }));
        group.slots.set(Number(slot), (group.slots.get(Number(slot)) ?? 0n) + count);
      }
      for (const { key, slots } of groups.values()) out.push([key as K, this.#histogram(slots) as R]);
    } else {
      for await (const [key, perCpu] of this.perCpu.entries()) {
        const result = this.#merge(perCpu);
        if (result !== undefined) out.push([(this.keyed ? key : undefined) as K, result as R]);
      }
    }
    return out
      .map((entry, index) => ({ entry, index }))
      .sort((a, b) => {
        const x = sortValue(a.entry[1]);
        const y = sortValue(b.entry[1]);
        return x < y ? -1 : x > y ? 1 : a.index - b.index;
      })
      .map(({ entry }) => entry);
  }

  /** The merged result under `key` (no argument for an aggregation without a key), or undefined when nothing was recorded there. */
  async get(...key: [K] | []): Promise<R | undefined> {
    if (!this.histogram) {
      const perCpu = this.perCpu.get(this.keyed ? key[0] : 0);
      return perCpu ? (this.#merge(perCpu) as R | undefined) : undefined;
    }
    const wanted = keyText(this.keyed ? key[0] : undefined);
    for (const [k, result] of await this.entries()) if (keyText(k) === wanted) return result;
    return undefined;
  }

  /** Forgets everything recorded (bpftrace's `clear()`): keyed maps lose their keys, the others return to zero. */
  clear(): void {
    this.perCpu.clear();
  }

  /** The CPUs' values merged; undefined when none recorded anything. */
  #merge(perCpu: CpuValue[]): AggregatedResult | undefined {
    switch (this.kind) {
      case "count": {
        const count = perCpu.reduce((s, v) => s + v.count!, 0n);
        return count === 0n && !this.keyed ? undefined : count;
      }
      case "sum": {
        const sum = perCpu.reduce((s, v) => s + v.sum!, 0n);
        return this.#wrap(sum);
      }
      case "min":
      case "max": {
        let best: bigint | undefined;
        for (const v of perCpu) {
          if (!v.seen) continue;
          const x = this.kind === "min" ? v.min! : v.max!;
          if (best === undefined || (this.kind === "min" ? x < best : x > best)) best = x;
        }
        return best;
      }
      case "avg":
      case "stats": {
        const count = perCpu.reduce((s, v) => s + v.count!, 0n);
        const sum = this.#wrap(perCpu.reduce((s, v) => s + v.sum!, 0n));
        if (count === 0n) return undefined;
        const avg = sum / count;
        return this.kind === "avg" ? avg : { count, sum, avg };
      }
      default:
        return undefined;
    }
  }

  /** A merged sum wrapped as the kernel's 64-bit arithmetic wraps it, signed or not. */
  #wrap(sum: bigint): bigint {
    return this.signed ? BigInt.asIntN(64, sum) : BigInt.asUintN(64, sum);
  }

  #histogram(slots: Map<number, bigint>): Histogram {
    const indexes = [...slots.keys()];
    const first = Math.min(...indexes);
    const last = Math.max(...indexes);
    const buckets: HistogramBucket[] = [];
    let total = 0n;
    for (let slot = first; slot <= last; slot++) {
      const count = slots.get(slot) ?? 0n;
      total += count;
      buckets.push({ ...this.#bounds(slot), count });
    }
    return this.kind === "lhist" ? { kind: "lhist", buckets, total, step: this.linear!.step } : { kind: "hist", buckets, total };
  }

  /** A slot's bounds (inclusive): log2 slot 0 is [0], slot k [2^(k-1), 2^k - 1] (signed: shifted, slot 0 below 0); linear slot 0 below min, the last from max on. */
  #bounds(slot: number): { min: bigint | undefined; max: bigint | undefined } {
    if (this.kind === "hist") {
      if (this.signed) {
        // Slot 0: the negative values; slot k + 1: what slot k holds in an unsigned histogram.
        if (slot === 0) return { min: undefined, max: -1n };
        slot -= 1;
      }
      return slot === 0 ? { min: 0n, max: 0n } : { min: 1n << BigInt(slot - 1), max: (1n << BigInt(slot)) - 1n };
    }
    const { min, max, step } = this.linear!;
    const buckets = Number((max - min) / step);
    if (slot === 0) return { min: undefined, max: min - 1n };
    if (slot === buckets + 1) return { min: max, max: undefined };
    const low = min + BigInt(slot - 1) * step;
    return { min: low, max: low + step - 1n };
  }
}
