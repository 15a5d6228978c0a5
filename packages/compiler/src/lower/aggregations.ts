/**
 * The kernel side of the aggregations (`this.calls.count(comm)`, `this.lat.record(delta)`): find
 * this CPU's value for the key (for histograms, for the key and the value's bucket), inserting a
 * zero one on a miss, then update it with plain loads and stores. The map is per-CPU, so no other
 * CPU writes the same memory and no atomic instruction is needed (bpftrace's maps work the same
 * way). Layouts: frontend/aggregation-field.ts.
 *
 *   count: count += 1            sum: sum += v
 *   min:   if (!seen || v < min) { min = v; seen = 1 }     max: the same with >
 *   avg, stats: count += 1; sum += v
 *   hist:  slot = v ? log2(v) + 1 : 0       lhist: slot = v < min ? 0 : v >= max ? n + 1 : (v - min) / step + 1
 *          count += 1 under (key, slot)
 *
 * Signed aggregations (`SumMap<K, i64>`) take the value sign-extended to i64 and compare it as
 * i64 (min, max, the linear bounds); a signed log2 histogram counts v < 0 in slot 0 and shifts
 * the others up by one (bpftrace's `(..., 0)` bucket).
 */
import { ts } from "ts-morph";
import { fieldOf, sizeOf } from "../checker/layout.js";
import { intType, VOID, type StructType, type Type } from "../checker/types.js";
import { Codes } from "../diagnostics/codes.js";
import type { AggregationModel } from "../frontend/probe-model.js";
import { imm, type Address, type Block, type Operand, type VReg } from "../ir/ir.js";
import { convertTo } from "./convert.js";
import { fail } from "./errors.js";
import { lowerAggregateInto } from "./lower-aggregate.js";
import { lowerExpr } from "./lower-expr.js";
import { emitLog2 } from "./log2.js";
import { addressOperand } from "./lower-place.js";
import type { RValue } from "./values.js";
import { MapHelper, NOEXIST } from "./map-methods/helper-ids.js";
import type { MapCall } from "./map-methods/call-support.js";

const u64 = intType("u64");
const i64 = intType("i64");

export function lowerAggregationMethod(c: MapCall): RValue {
  const aggregation = c.map.aggregation!;
  const method = aggregation.kind === "count" ? "count" : "record";
  if (c.method !== method) fail(Codes.MapMethod, c.node, `${c.map.dslClass}.${c.method}() is not supported in BPF programs`, `write this.${c.map.name}.${method}(...)`);
  const keyed = aggregation.userKey !== undefined;
  const wanted = (keyed ? 1 : 0) + (method === "record" ? 1 : 0);
  const args = c.node.arguments;
  if (args.length !== wanted) {
    const shape = [keyed ? "key" : undefined, method === "record" ? "value" : undefined].filter(Boolean).join(", ");
    fail(Codes.MapMethod, c.node, `${c.map.name}.${method}() takes ${wanted === 0 ? "no arguments" : `(${shape})`}`,
      keyed ? undefined : `${c.map.name} has no key type: declare new ${c.map.dslClass}<K>() to key it`);
  }
  const { L } = c;
  const histogram = aggregation.kind === "hist" || aggregation.kind === "lhist";
  const key = c.map.key!;
  const keyObject = L.temps.acquire(Math.max(sizeOf(key), 8), 8, `${c.map.name} key (${sizeOf(key)} bytes)`);
  c.temps.push(keyObject);
  const keyAddr: Address = { tag: "stack", object: keyObject, offset: 0 };
  // The key is written first and the value evaluated after it, in the order of the source.
  if (keyed && histogram) {
    // Padding between the user's key and the slot must be zero, or equal keys would miss.
    L.b.emit({ op: "zero", dst: keyAddr, size: sizeOf(key) });
    writeKey(c, args[0]!, aggregation.userKey!, keyAddr);
  } else if (keyed) {
    writeKey(c, args[0]!, key, keyAddr);
  } else if (!histogram) {
    L.b.emit({ op: "store", addr: keyAddr, value: imm(0n, "u32"), kind: "u32" });
  }
  let value: Operand | undefined;
  if (method === "record") {
    const node = args[wanted - 1]!;
    const kind = aggregation.signed ? i64 : u64;
    const v = lowerExpr(L, node, kind);
    if (v.type.tag !== "int") fail(Codes.MapMethod, node, `${c.map.name}.record() takes an integer value`);
    value = convertTo(L, v, kind, node);
  }
  if (histogram) {
    const slot = slotOf(c, aggregation, value!);
    if (keyed) {
      const field = fieldOf(key as StructType, "slot")!;
      L.b.emit({ op: "store", addr: { ...keyAddr, offset: field.offset }, value: slot, kind: "u64" });
    } else {
      const index = L.b.newReg("u32");
      L.b.emit({ op: "conv", dst: index, src: slot, from: "u64", to: "u32" });
      L.b.emit({ op: "store", addr: keyAddr, value: { tag: "reg", reg: index }, kind: "u32" });
    }
  }
  const keyOperand = addressOperand(L, keyAddr);
  const entry = L.b.newReg("ptr");
  L.b.emit({ op: "call", helper: MapHelper.lookup, args: [c.mapOperand, keyOperand], dst: entry });
  const update = L.b.newBlock();
  const done = L.b.newBlock();
  if (!keyed) {
    // An array's entries all exist; a miss is an out-of-range slot, which the slot's bounds exclude.
    L.b.terminate({ op: "cbr", cmp: "ne", kind: "ptr", a: { tag: "reg", reg: entry }, b: imm(0n, "ptr"), then: update, else: done });
  } else {
    const insert = L.b.newBlock();
    L.b.terminate({ op: "cbr", cmp: "ne", kind: "ptr", a: { tag: "reg", reg: entry }, b: imm(0n, "ptr"), then: update, else: insert });
    L.b.setBlock(insert);
    const zero = L.temps.acquire(sizeOf(c.map.value), 8, `${c.map.name} zero value`);
    c.temps.push(zero);
    L.b.emit({ op: "zero", dst: { tag: "stack", object: zero, offset: 0 }, size: sizeOf(c.map.value) });
    // BPF_NOEXIST: a program on another CPU that inserted the key first wins; its entry is ours too.
    L.b.emit({ op: "call", helper: MapHelper.update, args: [c.mapOperand, keyOperand, { tag: "stack", object: zero, offset: 0 }, imm(NOEXIST, "u64")] });
    L.b.emit({ op: "call", helper: MapHelper.lookup, args: [c.mapOperand, keyOperand], dst: entry });
    L.b.terminate({ op: "cbr", cmp: "ne", kind: "ptr", a: { tag: "reg", reg: entry }, b: imm(0n, "ptr"), then: update, else: done });
  }
  L.b.setBlock(update);
  updateValue(c, aggregation, entry, value, done);
  L.b.setBlock(done);
  return { type: VOID, op: imm(0n, "i64") };
}

/** The user's key written at `dst`: an integer stored, a struct or char array copied or built. */
function writeKey(c: MapCall, node: ts.Expression, type: Type, dst: Address): void {
  const { L } = c;
  if (type.tag === "int") {
    L.b.emit({ op: "store", addr: dst, value: convertTo(L, lowerExpr(L, node, type), type, node), kind: type.kind });
  } else {
    lowerAggregateInto(L, node, type, dst);
  }
}

/** The bucket of `value`, in a u64 register. */
function slotOf(c: MapCall, aggregation: AggregationModel, value: Operand): Operand {
  const { L } = c;
  const b = L.b;
  const reg = (r: VReg): Operand => ({ tag: "reg", reg: r });
  if (aggregation.kind === "hist" && aggregation.signed) {
    // v < 0 → 0, else the unsigned slot + 1.
    const slot = b.newReg("u64");
    const negative = b.newBlock();
    const positive = b.newBlock();
    const done = b.newBlock();
    b.terminate({ op: "cbr", cmp: "lt", kind: "i64", a: value, b: imm(0n, "i64"), then: negative, else: positive });
    b.setBlock(negative);
    b.emit({ op: "mov", dst: slot, src: imm(0n, "u64") });
    b.terminate({ op: "br", target: done });
    b.setBlock(positive);
    const unsigned = slotOf(c, { ...aggregation, signed: false }, value);
    b.emit({ op: "bin", bop: "add", kind: "u64", dst: slot, a: unsigned, b: imm(1n, "u64") });
    b.terminate({ op: "br", target: done });
    b.setBlock(done);
    return reg(slot);
  }
  if (aggregation.kind === "hist") {
    // floor(log2(v)) + (v != 0): 0 → 0, 1 → 1, [2, 4) → 2, ...
    const log = emitLog2(L, value, true);
    const nonZero = b.newReg("bool");
    b.emit({ op: "cmp", cmp: "ne", kind: "u64", dst: nonZero, a: value, b: imm(0n, "u64") });
    const one = b.newReg("u64");
    b.emit({ op: "conv", dst: one, src: reg(nonZero), from: "bool", to: "u64" });
    const slot = b.newReg("u64");
    b.emit({ op: "bin", bop: "add", kind: "u64", dst: slot, a: log, b: reg(one) });
    return reg(slot);
  }
  const { min, max, step, buckets } = aggregation.linear!;
  // min ≥ 0, so a value in range is non-negative and the bucket arithmetic stays unsigned.
  const compareAs = aggregation.signed ? "i64" : "u64";
  const slot = b.newReg("u64");
  const inside = b.newBlock();
  const below = b.newBlock();
  const inRange = b.newBlock();
  const done = b.newBlock();
  b.emit({ op: "mov", dst: slot, src: imm(BigInt(buckets + 1), "u64") });
  b.terminate({ op: "cbr", cmp: "ge", kind: compareAs, a: value, b: imm(max, compareAs), then: done, else: inside });
  b.setBlock(inside);
  b.terminate({ op: "cbr", cmp: "lt", kind: compareAs, a: value, b: imm(min, compareAs), then: below, else: inRange });
  b.setBlock(below);
  b.emit({ op: "mov", dst: slot, src: imm(0n, "u64") });
  b.terminate({ op: "br", target: done });
  b.setBlock(inRange);
  const offset = b.newReg("u64");
  b.emit({ op: "bin", bop: "sub", kind: "u64", dst: offset, a: value, b: imm(min, "u64") });
  const index = b.newReg("u64");
  b.emit({ op: "bin", bop: "div", kind: "u64", dst: index, a: reg(offset), b: imm(step, "u64") });
  b.emit({ op: "bin", bop: "add", kind: "u64", dst: slot, a: reg(index), b: imm(1n, "u64") });
  b.terminate({ op: "br", target: done });
  b.setBlock(done);
  return reg(slot);
}

/** The update of this CPU's value at `entry`, then on to `done`. */
function updateValue(c: MapCall, aggregation: AggregationModel, entry: VReg, value: Operand | undefined, done: Block): void {
  const { L } = c;
  const b = L.b;
  const struct = c.map.value as StructType;
  const at = (field: string): Address => ({ tag: "reg", base: entry, offset: fieldOf(struct, field)!.offset });
  const add = (field: string, by: Operand) => {
    const old = b.newReg("u64");
    b.emit({ op: "load", dst: old, addr: at(field), kind: "u64" });
    const sum = b.newReg("u64");
    b.emit({ op: "bin", bop: "add", kind: "u64", dst: sum, a: { tag: "reg", reg: old }, b: by });
    b.emit({ op: "store", addr: at(field), value: { tag: "reg", reg: sum }, kind: "u64" });
  };
  switch (aggregation.kind) {
    case "count":
    case "hist":
    case "lhist":
      add("count", imm(1n, "u64"));
      break;
    case "sum":
      add("sum", value!);
      break;
    case "avg":
    case "stats":
      add("count", imm(1n, "u64"));
      add("sum", value!);
      break;
    case "min":
    case "max": {
      // if (!seen || v < min) { min = v; seen = 1 } (v > max for max)
      const field = aggregation.kind;
      const seen = b.newReg("u64");
      b.emit({ op: "load", dst: seen, addr: at("seen"), kind: "u64" });
      const compare = b.newBlock();
      const set = b.newBlock();
      b.terminate({ op: "cbr", cmp: "eq", kind: "u64", a: { tag: "reg", reg: seen }, b: imm(0n, "u64"), then: set, else: compare });
      b.setBlock(compare);
      const old = b.newReg("u64");
      b.emit({ op: "load", dst: old, addr: at(field), kind: "u64" });
      b.terminate({ op: "cbr", cmp: field === "min" ? "lt" : "gt", kind: aggregation.signed ? "i64" : "u64", a: value!, b: { tag: "reg", reg: old }, then: set, else: done });
      b.setBlock(set);
      b.emit({ op: "store", addr: at(field), value: value!, kind: "u64" });
      b.emit({ op: "store", addr: at("seen"), value: imm(1n, "u64"), kind: "u64" });
      break;
    }
  }
  b.terminate({ op: "br", target: done });
}
