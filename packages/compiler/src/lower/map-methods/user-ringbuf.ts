/**
 * `this.requests.drain((record) => ..., flags?)`: `bpf_user_ringbuf_drain(map, callback,
 * callback_ctx, flags)` (helper 209, kernel 6.1). The kernel calls the callback once per record
 * user space committed, with (struct bpf_dynptr *sample, void *callback_ctx). The arrow's `record`
 * is the record copied onto the callback's stack with `bpf_dynptr_read` (helper 201): a value of
 * the ring's record type, as C programs read it (`bpf_dynptr_read(&s, sizeof(s), dynptr, 0, 0)`).
 * A record of another size (written raw) fails that read and is skipped: the callback body does not
 * run for it and the drain goes on. The arrow reaches the enclosing function's locals through
 * callback_ctx (lower/callbacks.ts); it returns 0 (or nothing) to go on, 1 to stop.
 */
import { ts } from "ts-morph";
import { alignOf, sizeOf } from "../../checker/layout.js";
import { intType, ptrTo, VOID, type Type } from "../../checker/types.js";
import { Codes } from "../../diagnostics/codes.js";
import { imm } from "../../ir/ir.js";
import type { LowerContext } from "../context.js";
import { bindCaptures, callbackParam, captureLocals, checkCallbackParams, finishClosure, type Closure } from "../callbacks.js";
import { fail } from "../errors.js";
import type { Subprogram } from "../subprograms.js";
import type { RValue } from "../values.js";
import { u64Argument, unsupportedMethod, type MapCall } from "./call-support.js";

const USER_RINGBUF_DRAIN = 209;
const DYNPTR_READ = 201;

export function lowerUserRingBufMethod(c: MapCall): RValue {
  if (c.method !== "drain") return unsupportedMethod(c);
  const { L, node, map } = c;
  const arrow = node.arguments[0];
  if (!arrow || !ts.isArrowFunction(arrow) || node.arguments.length > 2) {
    return fail(Codes.Callback, arrow ?? node, `${map.name}.drain() takes an arrow function, written in the call, and optional flags`,
      `write this.${map.name}.drain((record) => { ...; return 0; }) (return 1 stops the drain)`);
  }
  if (arrow.modifiers?.some((m) => m.kind === ts.SyntaxKind.AsyncKeyword)) fail(Codes.Async, arrow, "the callback is async; BPF programs run to completion");
  checkCallbackParams(arrow, "drain", ["record"]);
  const flags = u64Argument(c, 1);
  const closure = captureLocals(L, arrow, `${map.name}.drain`);
  const sub = L.subprograms.requestCallback(L, arrow, arrow, (): Subprogram => ({
    name: `${map.name}_drain`,
    node: arrow,
    params: [
      { name: "sample", type: ptrTo(VOID), byReference: false },
      { name: "ctx", type: ptrTo(VOID), byReference: false },
    ],
    returnType: intType("i64"),
    enter: (C) => enterDrainCallback(C, arrow, map.value, closure),
  }));
  const dst = L.b.newReg("i64");
  L.b.emit({ op: "call", helper: USER_RINGBUF_DRAIN, args: [c.mapOperand, { tag: "func", name: sub.name }, closure.context, flags], dst });
  finishClosure(L, closure);
  return { type: intType("i64"), op: { tag: "reg", reg: dst } };
}

/**
 * The callback's prologue: the record read from the dynptr (r1) into a stack copy, and a return
 * of 0 (go on) when the read fails; the captures come through callback_ctx (r2).
 */
function enterDrainCallback(L: LowerContext, arrow: ts.ArrowFunction, record: Type, closure: Closure): void {
  const context = closure.captures.length > 0 ? callbackParam(L, 1, "ctx") : undefined;
  const sample = callbackParam(L, 0, "sample");
  if (context) bindCaptures(L, closure, context);
  const [recordParam] = arrow.parameters;
  if (!recordParam) return;
  const size = sizeOf(record);
  const object = L.b.stackObject(size, Math.max(alignOf(record), 8), `${recordParam.name.getText()} (drained record, ${size} bytes)`);
  const read = L.b.newReg("i64");
  L.b.emit({ op: "call", helper: DYNPTR_READ, args: [{ tag: "stack", object, offset: 0 }, imm(BigInt(size), "u32"), { tag: "reg", reg: sample }, imm(0n, "u32"), imm(0n, "u64")], dst: read });
  const skip = L.b.newBlock();
  const body = L.b.newBlock();
  L.b.terminate({ op: "cbr", cmp: "ne", kind: "i64", a: { tag: "reg", reg: read }, b: imm(0n, "i64"), then: skip, else: body });
  L.b.setBlock(skip);
  L.b.terminate({ op: "ret", value: imm(0n, "i64") });
  L.b.setBlock(body);
  L.locals.set(recordParam, { tag: "stack", addr: { tag: "stack", object, offset: 0 }, type: record, name: recordParam.name.getText() });
}
