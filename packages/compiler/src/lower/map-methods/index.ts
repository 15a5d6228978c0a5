/**
 * Map methods in BPF programs: `this.<map>.<method>(...)`, and on a map of maps' slot,
 * `this.<outer>.at(key).<method>(...)`. Each map family lowers its own methods; the map table
 * (frontend/map-kinds.ts) says which family a map belongs to.
 */
import { ts } from "ts-morph";
import { Codes } from "../../diagnostics/codes.js";
import { mapKindOf } from "../../frontend/map-kinds.js";
import type { MapModel } from "../../frontend/probe-model.js";
import { imm, type IrKind, type Operand } from "../../ir/ir.js";
import type { LowerContext } from "../context.js";
import { fail } from "../errors.js";
import type { RValue } from "../values.js";
import { keyArgument, type MapCall } from "./call-support.js";
import { lowerAggregationMethod } from "../aggregations.js";
import { lowerCounterMethod } from "./counters.js";
import { lowerEventMethod } from "./events.js";
import { ENOENT, MapHelper } from "./helper-ids.js";
import { lowerKeyValueMethod } from "./key-value.js";
import { lowerQueueMethod } from "./queues.js";
import { lowerCgroupArrayMethod, lowerCgroupStorageMethod } from "./cgroup-array.js";
import { lowerReuseportMethod, lowerSocketMapMethod } from "./sockets.js";
import { lowerUserRingBufMethod } from "./user-ringbuf.js";
import { lowerProgArrayMethod, lowerRedirectMethod, lowerStackTraceMethod, lowerStorageMethod } from "./special.js";

/** The DSL interfaces that declare kernel-side map methods (packages/tsbpf/src/dsl/maps-*.ts). */
const METHOD_HOLDERS = new Set([
  "KeyValueMethods", "IterableMethods", "QueueMethods", "BloomFilterMethods", "RingBufMethods", "PerfEventArrayMethods",
  "StackTraceMethods", "ProgArrayMethods", "MapOfMapsMethods", "RedirectMethods", "StorageMethods",
  "CountMethods", "RecordMethods", "CgroupArrayMethods", "SockMapMethods", "CgroupStorageMethods", "UserRingBufMethods", "ReuseportMethods",
  "PerfCounterArrayMethods",
]);

/** Whether a DSL declaration name (`KeyValueMethods.lookup`) is a map method. */
export function isMapMethod(dslName: string): boolean {
  return METHOD_HOLDERS.has(dslName.slice(0, dslName.indexOf(".")));
}

export function lowerMapMethod(L: LowerContext, node: ts.CallExpression, callee: ts.PropertyAccessExpression): RValue {
  const method = callee.name.text;
  const receiver = callee.expression;
  const call = (map: MapModel, mapOperand: Operand): RValue => {
    const c: MapCall = { L, node, method, map, mapOperand, temps: [] };
    const result = dispatch(c);
    L.temps.release(c.temps);
    return result;
  };
  if (ts.isCallExpression(receiver) && ts.isPropertyAccessExpression(receiver.expression) && receiver.expression.name.text === "at") {
    return lowerOnSlot(L, receiver, mapField(L, receiver.expression.expression), call);
  }
  const map = mapField(L, receiver);
  if (map.inner) fail(Codes.MapMethod, node, `${map.name}.${method}(): call methods on an inner map`, `write this.${map.name}.at(key).lookup(...)`);
  return call(map, { tag: "map", map: map.name, ref: "map", offset: 0 });
}

function dispatch(c: MapCall): RValue {
  switch (mapKindOf(c.map.dslClass)?.shape) {
    case "keyValue":
    case "array":
      return lowerKeyValueMethod(c);
    case "valueOnly":
      return lowerQueueMethod(c);
    case "ring":
      if (c.map.dslClass === "UserRingBuf") return lowerUserRingBufMethod(c);
      return lowerEventMethod(c);
    case "perf":
      return lowerEventMethod(c);
    case "counters":
      return lowerCounterMethod(c);
    case "stackTrace":
      return lowerStackTraceMethod(c);
    case "storage":
      if (c.map.mapType === 19 || c.map.mapType === 21) return lowerCgroupStorageMethod(c);
      return lowerStorageMethod(c);
    case "fds":
      if (c.map.dslClass === "CgroupArray") return lowerCgroupArrayMethod(c);
      if (c.map.dslClass === "SockMap") return lowerSocketMapMethod(c);
      if (c.map.dslClass === "ReuseportSockArray") return lowerReuseportMethod(c);
      return c.map.dslClass === "ProgArray" ? lowerProgArrayMethod(c) : lowerRedirectMethod(c);
    case "sockHash":
      return lowerSocketMapMethod(c);
    case "aggregation":
      return lowerAggregationMethod(c);
    default:
      return fail(Codes.MapMethod, c.node, `${c.map.dslClass}.${c.method}() is not supported in BPF programs`);
  }
}

/**
 * `this.outer.at(key).method(...)`: looks the inner map up and calls the method on it when the
 * slot holds one; otherwise the call's result is null (pointers) or -ENOENT.
 */
function lowerOnSlot(L: LowerContext, at: ts.CallExpression, outer: MapModel, call: (map: MapModel, mapOperand: Operand) => RValue): RValue {
  const inner = outer.inner;
  if (!inner) return fail(Codes.MapMethod, at, `${outer.name} is not a map of maps`);
  const lookup: MapCall = { L, node: at, method: "at", map: outer, mapOperand: { tag: "map", map: outer.name, ref: "map", offset: 0 }, temps: [] };
  const slot = L.b.newReg("ptr");
  L.b.emit({ op: "call", helper: MapHelper.lookup, args: [lookup.mapOperand, keyArgument(lookup, 0)], dst: slot });
  L.temps.release(lookup.temps);
  const present = L.b.newBlock();
  const empty = L.b.newBlock();
  const done = L.b.newBlock();
  L.b.terminate({ op: "cbr", cmp: "ne", kind: "ptr", a: { tag: "reg", reg: slot }, b: imm(0n, "ptr"), then: present, else: empty });
  L.b.setBlock(present);
  const value = call({ ...inner, name: `${outer.name}.at()` }, { tag: "reg", reg: slot });
  const kind: IrKind | undefined = value.type.tag === "ptr" ? "ptr" : value.type.tag === "int" ? value.type.kind : undefined;
  const result = kind ? L.b.newReg(kind) : undefined;
  if (result) L.b.emit({ op: "mov", dst: result, src: value.op });
  L.b.terminate({ op: "br", target: done });
  L.b.setBlock(empty);
  if (result) L.b.emit({ op: "mov", dst: result, src: imm(kind === "ptr" ? 0n : ENOENT, kind!) });
  L.b.terminate({ op: "br", target: done });
  L.b.setBlock(done);
  return result ? { type: value.type, op: { tag: "reg", reg: result } } : value;
}

/** The map model of `this.<field>`. */
function mapField(L: LowerContext, expression: ts.Expression): MapModel {
  if (ts.isPropertyAccessExpression(expression) && expression.expression.kind === ts.SyntaxKind.ThisKeyword) {
    const map = L.probe.maps.find((m) => m.name === expression.name.text);
    if (map) return map;
  }
  return fail(Codes.MapMethod, expression, "map methods are called on the probe's map fields", "write this.<map>.lookup(key)");
}
