/**
 * `this.map.forEach((key, value) => ...)`: `bpf_for_each_map_elem(map, callback, callback_ctx, 0)`
 * (helper 164, kernel 5.13). The kernel calls the callback with (map, key pointer, value pointer,
 * callback_ctx); the arrow's `key` is the key read through its pointer (a struct key is the
 * struct in the map, read-only), its `value` the value pointer itself, and what it captures
 * comes through callback_ctx (lower/callbacks.ts). It returns 0 (or nothing) to go on, 1 to stop.
 */
import { ts } from "ts-morph";
import { intType, ptrTo, VOID, type Type } from "../../checker/types.js";
import { Codes } from "../../diagnostics/codes.js";
import { imm, type VReg } from "../../ir/ir.js";
import type { LowerContext } from "../context.js";
import { convertTo } from "../convert.js";
import { bindCaptures, callbackParam, captureLocals, checkCallbackParams, finishClosure, type Closure } from "../callbacks.js";
import { fail } from "../errors.js";
import type { Subprogram } from "../subprograms.js";
import type { RValue } from "../values.js";
import type { MapCall } from "./call-support.js";

const FOR_EACH_MAP_ELEM = 164;

/** The map types bpf_for_each_map_elem walks: hash, array, per-CPU hash and array, LRU and LRU per-CPU hash. */
const ITERABLE = new Set([1, 2, 5, 6, 9, 10]);

export function lowerForEach(c: MapCall): RValue {
  const { L, node, map } = c;
  if (!ITERABLE.has(map.mapType)) fail(Codes.MapMethod, node, `${map.dslClass}.forEach() is not supported: bpf_for_each_map_elem walks hash and array maps only`);
  if (c.mapOperand.tag !== "map") {
    fail(Codes.MapMethod, node, `${map.name}.forEach(): inner maps cannot be walked`, "walk a map field of the probe");
  }
  const arrow = node.arguments[0];
  if (!arrow || !ts.isArrowFunction(arrow) || node.arguments.length !== 1) {
    return fail(Codes.Callback, arrow ?? node, `${map.name}.forEach() takes one arrow function, written in the call`,
      `write this.${map.name}.forEach((key, value) => { ...; return 0; }) (return 1 stops the walk)`);
  }
  if (arrow.modifiers?.some((m) => m.kind === ts.SyntaxKind.AsyncKeyword)) fail(Codes.Async, arrow, "the callback is async; BPF programs run to completion");
  checkCallbackParams(arrow, "forEach", ["key", "value"]);
  const closure = captureLocals(L, arrow, `${map.name}.forEach`);
  const key = map.key!;
  const sub = L.subprograms.requestCallback(L, arrow, arrow, (): Subprogram => ({
    name: `${map.name}_for_each`,
    node: arrow,
    params: [
      { name: "map", type: ptrTo(VOID), byReference: false },
      { name: "key", type: ptrTo(key), byReference: false },
      { name: "value", type: ptrTo(map.value), byReference: false },
      { name: "ctx", type: ptrTo(VOID), byReference: false },
    ],
    returnType: intType("i64"),
    enter: (C) => enterCallback(C, arrow, key, map.value, closure),
  }));
  const dst = L.b.newReg("i64");
  L.b.emit({ op: "call", helper: FOR_EACH_MAP_ELEM, args: [c.mapOperand, { tag: "func", name: sub.name }, closure.context, imm(0n, "u64")], dst });
  finishClosure(L, closure);
  return { type: intType("i64"), op: { tag: "reg", reg: dst } };
}

/** Binds the arrow's parameters and captures from the kernel's r2 (key), r3 (value) and r4 (callback_ctx). */
function enterCallback(L: LowerContext, arrow: ts.ArrowFunction, key: Type, value: Type, closure: Closure): void {
  const [keyParam, valueParam] = arrow.parameters;
  const param = (index: number, name: string): VReg => callbackParam(L, index, name);
  const context = closure.captures.length > 0 ? param(3, "ctx") : undefined;
  const valuePointer = valueParam ? param(2, valueParam.name.getText()) : undefined;
  const keyPointer = keyParam ? param(1, keyParam.name.getText()) : undefined;
  if (context) bindCaptures(L, closure, context);
  if (valueParam && valuePointer) {
    L.locals.set(valueParam, { tag: "reg", reg: valuePointer, type: ptrTo(value), name: valueParam.name.getText() });
  }
  if (!keyParam || !keyPointer) return;
  const name = keyParam.name.getText();
  if (key.tag !== "int") {
    // The struct itself, in the map (tsc's Readonly<K> refuses writes): it passes as a key or
    // value, copies into a local, as a struct local does.
    L.locals.set(keyParam, { tag: "stack", addr: { tag: "reg", base: keyPointer, offset: 0 }, type: key, name });
    return;
  }
  const loaded = L.b.newReg(key.kind, name);
  L.b.emit({ op: "load", dst: loaded, addr: { tag: "reg", base: keyPointer, offset: 0 }, kind: key.kind });
  // A wider declared integer type (`key: u32` for a u16 key) is the key converted.
  const declared = keyParam.type ? L.resolver.resolve(keyParam.type) : key;
  if (declared.tag !== "int" || declared.kind === key.kind) {
    L.locals.set(keyParam, { tag: "reg", reg: loaded, type: key, name });
    return;
  }
  const reg = L.b.newReg(declared.kind, name);
  L.b.emit({ op: "mov", dst: reg, src: convertTo(L, { type: key, op: { tag: "reg", reg: loaded } }, declared, keyParam) });
  L.locals.set(keyParam, { tag: "reg", reg, type: declared, name });
}
