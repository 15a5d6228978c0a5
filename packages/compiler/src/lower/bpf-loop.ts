/**
 * `bpf.loop(count, callback, state?, flags?)`: the `bpf_loop` helper (id 181, kernel 5.17). The
 * callback becomes a static subprogram whose address is loaded with `ld_imm64` (BPF_PSEUDO_FUNC);
 * the state struct is passed by reference (its stack address), so the callback can update it.
 */
import { ts } from "ts-morph";
import { intType, ptrTo, typeName, VOID } from "../checker/types.js";
import { Codes } from "../diagnostics/codes.js";
import { imm, type Operand } from "../ir/ir.js";
import type { LowerContext } from "./context.js";
import { convertTo, toKind } from "./convert.js";
import { fail } from "./errors.js";
import { wholeAddress } from "./indexed.js";
import { lowerExpr } from "./lower-expr.js";
import { addressOperand, isPlaceExpression, lowerPlace } from "./lower-place.js";
import { bindCaptures, callbackParam, captureLocals, checkCallbackParams, finishClosure } from "./callbacks.js";
import { calledFunction, type Subprogram } from "./subprograms.js";
import type { RValue } from "./values.js";

const BPF_LOOP = 181;

export function lowerBpfLoop(L: LowerContext, node: ts.CallExpression): RValue {
  const [countArg, callbackArg, stateArg, flagsArg] = node.arguments;
  if (!countArg || !callbackArg || node.arguments.length > 4) {
    return fail(Codes.LoopCallback, node, "bpf.loop takes (count, callback, state?, flags?)");
  }
  if (ts.isArrowFunction(callbackArg)) return lowerLoopArrow(L, node, countArg, callbackArg);
  const target = calledFunction(L, callbackArg);
  if (!target) {
    return fail(Codes.LoopCallback, callbackArg, "the bpf.loop callback must be an arrow function written in the call, an undecorated method (this.step) or a function of this file",
      "write bpf.loop(count, (i) => { ... }), or pass a method taking (index: u32, state: S) and the state struct");
  }
  const sub = L.subprograms.request(L, target, callbackArg);
  const name = target.name?.getText() ?? "callback";
  const [index, state] = sub.params;
  if (sub.params.length > 2 || (index && index.type.tag !== "int") || (state && !state.byReference)) {
    fail(Codes.LoopCallback, callbackArg, `'${name}' must take (index: u32) or (index: u32, state: S) with S a struct`,
      "keep what the loop body needs in one struct and pass it as bpf.loop's third argument");
  }
  if (sub.returnType?.tag !== "int") fail(Codes.LoopCallback, callbackArg, `'${name}' must return an integer: 0 to go on, 1 to stop`);
  if (state && !stateArg) fail(Codes.LoopCallback, node, `'${name}' takes a state: pass it as bpf.loop's third argument`);
  let stateOp: Operand = imm(0n, "u64");
  if (stateArg && state) {
    const place = isPlaceExpression(stateArg) ? lowerPlace(L, stateArg) : undefined;
    if (!place || place.tag !== "mem" || place.type.tag !== "struct" || typeName(place.type) !== typeName(state.type)) {
      fail(Codes.LoopCallback, stateArg, `the state must be a ${typeName(state.type)} variable or member`);
    }
    stateOp = addressOperand(L, wholeAddress(L, place, stateArg));
  } else if (stateArg) {
    fail(Codes.LoopCallback, stateArg, `'${name}' takes no state parameter`);
  }
  const count64 = countOperand(L, countArg);
  const flags = flagsArg ? convertTo(L, lowerExpr(L, flagsArg, intType("u64")), intType("u64"), flagsArg) : imm(0n, "u64");
  const dst = L.b.newReg("i64");
  L.b.emit({ op: "call", helper: BPF_LOOP, args: [count64, { tag: "func", name: sub.name }, stateOp, flags], dst });
  return { type: intType("i64"), op: { tag: "reg", reg: dst } };
}

function countOperand(L: LowerContext, countArg: ts.Expression): Operand {
  const count = convertTo(L, lowerExpr(L, countArg, intType("u32")), intType("u32"), countArg);
  return toKind(L, { type: intType("u32"), op: count }, "u64", countArg);
}

/**
 * `bpf.loop(count, (i) => { ... })`: the arrow is the callback (kernel arguments: the index in r1,
 * callback_ctx in r2), and what it uses of the enclosing function comes through callback_ctx
 * (lower/callbacks.ts) in place of an explicit state struct.
 */
function lowerLoopArrow(L: LowerContext, node: ts.CallExpression, countArg: ts.Expression, arrow: ts.ArrowFunction): RValue {
  if (node.arguments.length > 2) {
    fail(Codes.LoopCallback, node.arguments[2]!, "with an arrow callback bpf.loop takes (count, callback)", "the arrow uses the enclosing function's locals directly: no state argument is needed");
  }
  checkCallbackParams(arrow, "bpf.loop", ["index"]);
  const [indexParam] = arrow.parameters;
  const count64 = countOperand(L, countArg);
  const closure = captureLocals(L, arrow, "bpf.loop");
  const sub = L.subprograms.requestCallback(L, arrow, arrow, (): Subprogram => ({
    name: "loop_callback",
    node: arrow,
    params: [
      { name: "index", type: intType("u64"), byReference: false },
      { name: "ctx", type: ptrTo(VOID), byReference: false },
    ],
    returnType: intType("i64"),
    enter: (C) => {
      const context = closure.captures.length > 0 ? callbackParam(C, 1, "ctx") : undefined;
      if (indexParam) {
        // The kernel passes a u64 below count, a u32: its low half is the index.
        const reg = C.b.newReg("u32", indexParam.name.getText());
        C.b.emit({ op: "param", dst: reg, index: 0 });
        C.locals.set(indexParam, { tag: "reg", reg, type: intType("u32"), name: indexParam.name.getText() });
      }
      if (context) bindCaptures(C, closure, context);
    },
  }));
  const dst = L.b.newReg("i64");
  L.b.emit({ op: "call", helper: BPF_LOOP, args: [count64, { tag: "func", name: sub.name }, closure.context, imm(0n, "u64")], dst });
  finishClosure(L, closure);
  return { type: intType("i64"), op: { tag: "reg", reg: dst } };
}
