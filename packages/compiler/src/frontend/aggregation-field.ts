/**
 * Reads an aggregation field (`calls = new CountMap<CharArray<16>>()`,
 * `lat = new LinearHistogram({ min: 0, max: 100, step: 10 })`) into the per-CPU map that holds it:
 *
 * - without a key: a per-CPU array, index 0 (or, for a histogram, the bucket index);
 * - with a key: a per-CPU hash by the key (for a histogram, by `{ key, slot }`: one count per
 *   key and bucket, as bpftrace keeps them, so that a key costs only the buckets it uses and an
 *   insert needs an 8-byte zero, not a 520-byte one the BPF stack cannot hold).
 *
 * The value struct's BTF name says which aggregation a map holds (`tsbpf_count`, `tsbpf_hist`,
 * `tsbpf_lhist_<min>_<max>_<step>`, ...): the runtime's `AggregationHandle` and `tsbpf run` read
 * it from any built object, without its source. Signed aggregations (`SumMap<K, i64>`) keep their
 * sums, minimums and maximums in `i64` members, which the BTF says are signed; a signed log2
 * histogram is `tsbpf_hist_signed` (its slot 0 counts the negative values, slot k + 1 holds what
 * slot k holds in an unsigned one).
 */
import type { ts } from "ts-morph";
import { layoutStruct } from "../checker/layout.js";
import { intType, type StructType, type Type } from "../checker/types.js";
import { Codes } from "../diagnostics/codes.js";
import { CompileError } from "../diagnostics/diagnostic.js";
import { dataType, type Option } from "./map-field.js";
import { mapExample, type MapKindDef } from "./map-kinds.js";
import type { FrontendContext } from "./probe-class.js";
import type { AggregationKind, AggregationModel, MapModel } from "./probe-model.js";
import { spanOf } from "./span.js";

const KINDS: Record<string, AggregationKind> = {
  CountMap: "count", SumMap: "sum", MinMap: "min", MaxMap: "max", AvgMap: "avg", StatsMap: "stats",
  Log2Histogram: "hist", LinearHistogram: "lhist",
};

/** Slots of a log2 histogram of u64 values: 0, then [2^(k-1), 2^k) for k = 1..64. */
export const LOG2_SLOTS = 65;
/** bpftrace's limit on a linear histogram's buckets. */
const MAX_LINEAR_BUCKETS = 1000;
const DEFAULT_ENTRIES = 10240;
const PERCPU_HASH = 5;
const PERCPU_ARRAY = 6;

const u64 = intType("u64");
const i64 = intType("i64");

/** The value struct of each kind: what one CPU keeps per key (per key and bucket for histograms). */
function valueStruct(kind: AggregationKind, linear: AggregationModel["linear"], signed: boolean): StructType {
  const v = signed ? i64 : u64;
  switch (kind) {
    case "count": return layoutStruct("tsbpf_count", [{ name: "count", type: u64 }]);
    case "sum": return layoutStruct("tsbpf_sum", [{ name: "sum", type: v }]);
    case "min": return layoutStruct("tsbpf_min", [{ name: "min", type: v }, { name: "seen", type: u64 }]);
    case "max": return layoutStruct("tsbpf_max", [{ name: "max", type: v }, { name: "seen", type: u64 }]);
    case "avg": return layoutStruct("tsbpf_avg", [{ name: "count", type: u64 }, { name: "sum", type: v }]);
    case "stats": return layoutStruct("tsbpf_stats", [{ name: "count", type: u64 }, { name: "sum", type: v }]);
    case "hist": return layoutStruct(signed ? "tsbpf_hist_signed" : "tsbpf_hist", [{ name: "count", type: u64 }]);
    case "lhist": return layoutStruct(`tsbpf_lhist_${linear!.min}_${linear!.max}_${linear!.step}`, [{ name: "count", type: u64 }]);
  }
}

export function readAggregation(member: ts.PropertyDeclaration, name: string, init: ts.NewExpression, kind: MapKindDef,
  typeArgs: readonly ts.TypeNode[], options: Map<string, Option>, ctx: FrontendContext): MapModel {
  const aggregation = KINDS[kind.dslClass]!;
  const takesValues = aggregation !== "count";
  if (typeArgs.length > (takesValues ? 2 : 1)) {
    const what = takesValues ? "two type arguments, the key (or void) and the value kind (u64 or i64)" : "one type argument, the key (or none)";
    throw new CompileError(Codes.MapType, spanOf(init), `'${kind.dslClass}' takes ${what}`, `write ${mapExample(kind)}`);
  }
  const signed = typeArgs[1] !== undefined && valueKindIsSigned(typeArgs[1], kind.dslClass);
  const constant = (key: string): { value: bigint; node: ts.Expression } | undefined => {
    const option = options.get(key);
    if (option && "inner" in option) throw new CompileError(Codes.MapOptions, spanOf(option.node), `the map option '${key}' must be a constant`);
    return option;
  };
  for (const [key, option] of options) {
    const known = ["maxEntries", "pinned", ...(aggregation === "lhist" ? ["min", "max", "step"] : [])];
    if (!known.includes(key)) {
      throw new CompileError(Codes.MapOptions, spanOf(option.node), `'${key}' is not an option of ${kind.dslClass}`, `its options are ${known.join(", ")}`);
    }
  }
  const keyNode = typeArgs[0];
  // `new CountMap<void>()` is the same as `new CountMap()`.
  const userKey: Type | undefined = keyNode && keyNode.getText() !== "void" ? dataType(keyNode, ctx, "key") : undefined;
  const linear = aggregation === "lhist" ? readLinear(init, constant) : undefined;
  const value = valueStruct(aggregation, linear, signed);
  const slots = aggregation === "hist" ? LOG2_SLOTS + (signed ? 1 : 0) : aggregation === "lhist" ? linear!.buckets + 2 : 1;
  const histogram = aggregation === "hist" || aggregation === "lhist";
  const model: MapModel = {
    name, node: member, dslClass: kind.dslClass, mapType: PERCPU_ARRAY, key: intType("u32"), value,
    maxEntries: slots, flags: 0, aggregation: { kind: aggregation, userKey, linear, signed },
  };
  if (constant("pinned")?.value) model.pinned = true;
  const entries = constant("maxEntries");
  if (userKey === undefined) {
    if (entries !== undefined) {
      throw new CompileError(Codes.MapOptions, spanOf(entries.node), `an aggregation without a key has a fixed size: maxEntries is for keyed ones`);
    }
    return model;
  }
  if (entries !== undefined && (entries.value < 1n || entries.value > 0xffffffn)) {
    throw new CompileError(Codes.MapOptions, spanOf(entries.node), "maxEntries must be a constant between 1 and 2^24-1");
  }
  model.mapType = PERCPU_HASH;
  model.maxEntries = entries !== undefined ? Number(entries.value) : DEFAULT_ENTRIES;
  model.key = histogram
    ? layoutStruct(`tsbpf_hist_key_${name.replace(/[^A-Za-z0-9_]/g, "_")}`, [{ name: "key", type: userKey }, { name: "slot", type: u64 }])
    : userKey;
  return model;
}

/** The second type argument: `u64` (unsigned values) or `i64` (signed ones). */
function valueKindIsSigned(node: ts.TypeNode, dslClass: string): boolean {
  const text = node.getText();
  if (text === "u64") return false;
  if (text === "i64") return true;
  throw new CompileError(Codes.MapType, spanOf(node), `the value kind of a ${dslClass} is u64 or i64, not '${text}'`,
    `write ${dslClass}<K, i64> for signed values (i8 to i64), or leave it out for unsigned ones`);
}

function readLinear(init: ts.NewExpression, constant: (key: string) => { value: bigint; node: ts.Expression } | undefined): AggregationModel["linear"] {
  const get = (key: string) => {
    const option = constant(key);
    if (option === undefined) {
      throw new CompileError(Codes.MapOptions, spanOf(init), `a LinearHistogram needs '${key}', a constant`, "write new LinearHistogram<K>({ min: 0, max: 100, step: 10 })");
    }
    return option;
  };
  const min = get("min");
  const max = get("max");
  const step = get("step");
  if (min.value < 0n) throw new CompileError(Codes.MapOptions, spanOf(min.node), "a LinearHistogram's min must be 0 or more (as bpftrace's lhist requires; smaller values of a signed one count in (..., min))");
  if (max.value <= min.value) throw new CompileError(Codes.MapOptions, spanOf(max.node), "a LinearHistogram's max must be more than its min");
  if (step.value < 1n) throw new CompileError(Codes.MapOptions, spanOf(step.node), "a LinearHistogram's step must be at least 1");
  const span = max.value - min.value;
  if (span % step.value !== 0n) {
    throw new CompileError(Codes.MapOptions, spanOf(step.node), `max - min (${span}) must be a multiple of the step (${step.value})`);
  }
  const buckets = span / step.value;
  if (buckets > BigInt(MAX_LINEAR_BUCKETS)) {
    throw new CompileError(Codes.MapOptions, spanOf(step.node), `${buckets} buckets are too many (at most ${MAX_LINEAR_BUCKETS}, as bpftrace allows)`, "raise the step");
  }
  return { min: min.value, max: max.value, step: step.value, buckets: Number(buckets) };
}
