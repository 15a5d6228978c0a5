/**
 * `bpf.timerSetCallback(v.timer, (map, key, value) => ...)`: `bpf_timer_set_callback` (helper 170,
 * kernel 5.15). The arrow becomes a static subprogram (an `ld_imm64` of the function, as
 * `forEach`'s callback); the kernel calls it with (map, key pointer, value pointer) of the element
 * holding the timer, after the program has returned, so it cannot reach the enclosing function's
 * locals (TSBPF4012 names the first it uses); the probe's maps and fields it may use. `key` and
 * `value` take the types the arrow declares (`key: Ptr<u32>, value: Ptr<Slot>`).
 */
import { ts } from "ts-morph";
import { intType, ptrTo, typeName, VOID, type Type } from "../checker/types.js";
import { Codes } from "../diagnostics/codes.js";
import type { Operand } from "../ir/ir.js";
import { callbackParam, captureLocals, checkCallbackParams } from "./callbacks.js";
import type { LowerContext } from "./context.js";
import { fail } from "./errors.js";
import { wholeAddress } from "./indexed.js";
import { addressOperand, isPlaceExpression, lowerPlace } from "./lower-place.js";
import type { Subprogram } from "./subprograms.js";
import type { RValue } from "./values.js";

const TIMER_SET_CALLBACK = 170;

export function lowerTimerSetCallback(L: LowerContext, node: ts.CallExpression): RValue {
  const [timerArg, arrow] = node.arguments;
  if (!timerArg || !arrow || node.arguments.length > 2) return fail(Codes.HelperArguments, node, "bpf.timerSetCallback takes (timer, callback)");
  const timer = timerAddress(L, timerArg);
  if (!ts.isArrowFunction(arrow)) {
    return fail(Codes.Callback, arrow, "bpf.timerSetCallback takes an arrow function, written in the call",
      "write bpf.timerSetCallback(v.timer, (map, key: Ptr<u32>, value: Ptr<Slot>) => { ...; return 0; })");
  }
  checkCallbackParams(arrow, "timerSetCallback", ["map", "key", "value"]);
  const closure = captureLocals(L, arrow, "bpf.timerSetCallback");
  const first = closure.captures[0];
  if (first) {
    fail(Codes.Callback, first.at ?? arrow, "a timer callback runs after the program has returned: it cannot use the enclosing function's locals",
      "keep what the callback needs in the timer's map value or in a probe field");
  }
  const [mapParam, keyParam, valueParam] = arrow.parameters;
  const declared = (param: ts.ParameterDeclaration | undefined): Type => {
    if (!param?.type) return ptrTo(VOID);
    const type = L.resolver.resolve(param.type);
    if (type.tag !== "ptr") fail(Codes.Callback, param, `the timer callback's ${param.name.getText()} is a pointer into the map, not '${typeName(type)}'`, "declare it as Ptr<K> or Ptr<V>");
    return type;
  };
  const keyType = declared(keyParam);
  const valueType = declared(valueParam);
  const sub = L.subprograms.requestCallback(L, arrow, arrow, (): Subprogram => ({
    name: "timer_callback",
    node: arrow,
    params: [
      { name: "map", type: ptrTo(VOID), byReference: false },
      { name: "key", type: keyType, byReference: false },
      { name: "value", type: valueType, byReference: false },
    ],
    returnType: intType("i64"),
    enter: (C) => {
      const bind = (param: ts.ParameterDeclaration | undefined, index: number, type: Type) => {
        if (!param) return;
        const name = param.name.getText();
        C.locals.set(param, { tag: "reg", reg: callbackParam(C, index, name), type, name });
      };
      bind(valueParam, 2, valueType);
      bind(keyParam, 1, keyType);
      bind(mapParam, 0, ptrTo(VOID));
    },
  }));
  const dst = L.b.newReg("i64");
  L.b.emit({ op: "call", helper: TIMER_SET_CALLBACK, args: [timer, { tag: "func", name: sub.name }], dst });
  return { type: intType("i64"), op: { tag: "reg", reg: dst } };
}

/** The timer's address: a `Timer` member of a map value (the verifier checks it is one). */
function timerAddress(L: LowerContext, arg: ts.Expression): Operand {
  if (!isPlaceExpression(arg)) return fail(Codes.HelperArguments, arg, "bpf.timerSetCallback takes the Timer member of a map value", "pass e.g. slot.timer");
  const place = lowerPlace(L, arg);
  if (place.tag !== "mem" || place.type.tag !== "struct") {
    return fail(Codes.HelperArguments, arg, `bpf.timerSetCallback takes the Timer member of a map value, not '${typeName(place.type)}'`, "pass e.g. slot.timer");
  }
  return addressOperand(L, wholeAddress(L, place, arg));
}
