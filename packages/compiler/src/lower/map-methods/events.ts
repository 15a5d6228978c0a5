/**
 * Event maps: the ring buffer's `output`, `reserve`, `submit`, `discard`, `query`, and the perf event
 * array's `perfOutput`. A record the kernel could not write (a full ring) is counted in the map's
 * loss counter (frontend/event-loss-counters.ts) on the failure path, so that user space can
 * account for every attempt; the success path costs one compare.
 */
import { ts } from "ts-morph";
import { intType, sameType, typeName } from "../../checker/types.js";
import { Codes } from "../../diagnostics/codes.js";
import { eventLossCounterName } from "../../frontend/event-loss-counters.js";
import { imm, type CmpOp, type IrKind, type Operand } from "../../ir/ir.js";
import { convertTo } from "../convert.js";
import { fail } from "../errors.js";
import { lowerExpr } from "../lower-expr.js";
import type { RValue } from "../values.js";
import { asRegion, boundedCall, type Region } from "../bounded-region.js";
import { wholeAddress } from "../indexed.js";
import { addressOperand, isPlaceExpression, lowerPlace } from "../lower-place.js";
import { argument, callHelper, contextArgument, u64Argument, unsupportedMethod, valueArgument, valueSize, type MapCall } from "./call-support.js";
import { CURRENT_CPU, MapHelper } from "./helper-ids.js";

const BPF_FUNC_ringbuf_query = 134;
const BPF_RB_AVAIL_DATA = 0n;
const BPF_RB_NO_WAKEUP = 1n;

export function lowerEventMethod(c: MapCall): RValue {
  if (c.map.dslClass === "PerfEventArray") {
    if (c.method !== "perfOutput") return unsupportedMethod(c);
    const ctx = contextArgument(c, 0);
    const slice = sliceArgument(c, 1);
    if (slice && "region" in slice) {
      const flags = perfFlags(c, 3);
      const result = boundedCall(c.L, slice.region, slice.size, `${c.map.name}.perfOutput()`, (data, size) =>
        callHelper(c, MapHelper.perfEventOutput, [ctx, c.mapOperand, flags, data, size], "i64").op);
      countFailure(c, result.op, "ne", "i64");
      return result;
    }
    const value = slice?.record ?? valueArgument(c, 1, "record");
    const result = callHelper(c, MapHelper.perfEventOutput, [ctx, c.mapOperand, c.flags ?? perfFlags(c, 2), value, valueSize(c)], "i64");
    countFailure(c, result.op, "ne", "i64");
    return result;
  }
  switch (c.method) {
    case "output": {
      const slice = sliceArgument(c, 0);
      if (slice && "region" in slice) {
        const flags = ringFlags(c, 2);
        const result = boundedCall(c.L, slice.region, slice.size, `${c.map.name}.output()`, (data, size) =>
          callHelper(c, MapHelper.ringbufOutput, [c.mapOperand, data, size, flags], "i64").op);
        countFailure(c, result.op, "ne", "i64");
        return result;
      }
      const value = slice?.record ?? valueArgument(c, 0, "record");
      const flags = c.flags ?? ringFlags(c, 1);
      const result = callHelper(c, MapHelper.ringbufOutput, [c.mapOperand, value, valueSize(c), flags], "i64");
      countFailure(c, result.op, "ne", "i64");
      return result;
    }
    case "query":
      return callHelper(c, BPF_FUNC_ringbuf_query, [c.mapOperand, u64Argument(c, 0)], "u64");
    case "reserve": {
      const result = callHelper(c, MapHelper.ringbufReserve, [c.mapOperand, valueSize(c), u64Argument(c, 0)], "ptr", c.map.value);
      countFailure(c, result.op, "eq", "ptr");
      return result;
    }
    case "submit":
    case "discard": {
      const record = recordArgument(c);
      const flags = c.method === "submit" ? ringFlags(c, 1) : u64Argument(c, 1);
      return callHelper(c, c.method === "submit" ? MapHelper.ringbufSubmit : MapHelper.ringbufDiscard, [record, flags], "void");
    }
    default:
      return unsupportedMethod(c);
  }
}

/**
 * The variable-length form `perfOutput(ctx, data, size, flags?)` / `output(data, size, flags?)`:
 * `data` is an array, struct or element the program holds, sent from there for `size` bytes,
 * bounded by the compiler (bounded-region.ts). As tsc picks the overload, a record of the map's own
 * type followed by a 64-bit integer (or by nothing) is the fixed form, that integer its flags.
 */
function sliceArgument(c: MapCall, i: number): { region: Region; size: RValue } | { record: Operand } | undefined {
  const data = c.node.arguments[i];
  const sizeNode = c.node.arguments[i + 1];
  if (!data || !isPlaceExpression(data)) return undefined;
  const place = lowerPlace(c.L, data);
  // A pointer to a record (`reserve`'s, a map value's) is the fixed form's (a local holds it: no code to repeat).
  if (place.tag !== "mem" || place.type.tag === "ptr") return undefined;
  const record = !place.index?.length && sameType(place.type, c.map.value);
  // Lowered with no expected kind, so that a literal keeps its own (`0n` is 64-bit: flags).
  const given = sizeNode && !ts.isObjectLiteralExpression(sizeNode) ? lowerExpr(c.L, sizeNode) : undefined;
  const wide = given?.type.tag === "int" && (given.type.kind === "u64" || given.type.kind === "i64");
  if (record && (!given || (wide && c.node.arguments.length <= i + 2))) {
    if (given && sizeNode) c.flags = convertTo(c.L, given, intType("u64"), sizeNode);
    return { record: addressOperand(c.L, wholeAddress(c.L, place, data)) };
  }
  if (!given || !sizeNode) return undefined;
  const u32 = intType("u32");
  const size: RValue = { type: u32, op: convertTo(c.L, given, u32, sizeNode) };
  return { region: asRegion(place, data, `${c.map.name}.${c.method}()`, false), size };
}

/**
 * The flags of `output`/`submit`: a u64, or `{ wakeupAbove: bytes }`, the adaptive wake-up that
 * libbpf users write by hand: no wake-up (BPF_RB_NO_WAKEUP) while the ring holds fewer than `bytes`
 * unread bytes (bpf_ringbuf_query(BPF_RB_AVAIL_DATA), read before the call), a forced one
 * (BPF_RB_FORCE_WAKEUP) from there on. The reader sleeps until the ring is that full, or its
 * `pollIntervalMs` timer fires.
 */
function ringFlags(c: MapCall, i: number): Operand {
  const a = c.node.arguments[i];
  if (!a || !ts.isObjectLiteralExpression(a)) return u64Argument(c, i);
  const property = a.properties.find((p) => p.name && p.name.getText() === "wakeupAbove");
  if (!property || !ts.isPropertyAssignment(property) || a.properties.length !== 1) {
    return fail(Codes.MapMethod, a, `${c.map.name}.${c.method}() takes flags (a u64) or { wakeupAbove: bytes }`);
  }
  const u64 = intType("u64");
  const threshold = convertTo(c.L, lowerExpr(c.L, property.initializer, u64), u64, property.initializer);
  const available = callHelper(c, BPF_FUNC_ringbuf_query, [c.mapOperand, imm(BPF_RB_AVAIL_DATA, "u64")], "u64");
  const full = c.L.b.newReg("u64");
  c.L.b.emit({ op: "cmp", cmp: "ge", kind: "u64", dst: full, a: available.op, b: threshold });
  const flags = c.L.b.newReg("u64");
  // NO_WAKEUP (1) below the threshold, FORCE_WAKEUP (2) at or above it.
  c.L.b.emit({ op: "bin", bop: "add", kind: "u64", dst: flags, a: { tag: "reg", reg: full }, b: imm(BPF_RB_NO_WAKEUP, "u64") });
  return { tag: "reg", reg: flags };
}

/**
 * The flags of `perfOutput`: a u64 (BPF_F_CURRENT_CPU when absent), or `{ packetBytes: n }`, bcc's
 * `perf_submit_skb`: the kernel appends the first `n` bytes of the packet (an skb's or an XDP
 * buffer's) after the record, `n` going in BPF_F_CTXLEN_MASK (bits 32-51) beside BPF_F_CURRENT_CPU.
 * A count past 20 bits sets bits the kernel refuses (-EINVAL), one past the packet's length -EFAULT:
 * an error, never a silently shorter record.
 */
function perfFlags(c: MapCall, i: number): Operand {
  const a = c.node.arguments[i];
  if (!a || !ts.isObjectLiteralExpression(a)) return u64Argument(c, i, CURRENT_CPU);
  const property = a.properties.find((p) => p.name && p.name.getText() === "packetBytes");
  if (!property || !ts.isPropertyAssignment(property) || a.properties.length !== 1) {
    return fail(Codes.MapMethod, a, `${c.map.name}.${c.method}() takes flags (a u64) or { packetBytes: n }`);
  }
  const u64 = intType("u64");
  const bytes = convertTo(c.L, lowerExpr(c.L, property.initializer, u64), u64, property.initializer);
  const shifted = c.L.b.newReg("u64");
  c.L.b.emit({ op: "bin", bop: "shl", kind: "u64", dst: shifted, a: bytes, b: imm(32n, "u64") });
  const flags = c.L.b.newReg("u64");
  c.L.b.emit({ op: "bin", bop: "or", kind: "u64", dst: flags, a: { tag: "reg", reg: shifted }, b: imm(CURRENT_CPU, "u64") });
  return { tag: "reg", reg: flags };
}

/** `if (result <cmp> 0) __sync_fetch_and_add(&counter, 1)`, when the map has a loss counter. */
function countFailure(c: MapCall, result: Operand, cmp: CmpOp, kind: IrKind): void {
  const name = eventLossCounterName(c.map);
  const counter = name && c.L.probe.globals.find((g) => g.name === name);
  if (!counter) return; // an inner map of a map of maps: no counter of its own
  const b = c.L.b;
  const failed = b.newBlock();
  const done = b.newBlock();
  b.terminate({ op: "cbr", cmp, kind, a: result, b: imm(0n, kind), then: failed, else: done });
  b.setBlock(failed);
  b.emit({ op: "atomicAdd", addr: { tag: "global", map: counter.section, offset: counter.offset }, value: imm(1n, "u64"), kind: "u64" });
  b.jumpTo(done);
  b.setBlock(done);
}

/** The pointer `reserve` gave (the verifier checks that it is one, and that it is non-null). */
function recordArgument(c: MapCall): RValue["op"] {
  const a: ts.Expression = argument(c, 0, "record (the pointer reserve() returned)");
  const value = lowerExpr(c.L, a);
  if (value.type.tag !== "ptr") {
    fail(Codes.MapMethod, a, `${c.map.name}.${c.method}() takes the pointer reserve() returned, not a '${typeName(value.type)}'`);
  }
  return value.op;
}
