/**
 * Event maps: the ring buffer's `output`, `reserve`, `submit`, `discard`, and the perf event
 * array's `perfOutput`.
 */
import { ts } from "ts-morph";
import { typeName } from "../../checker/types.js";
import { Codes } from "../../diagnostics/codes.js";
import { fail } from "../errors.js";
import { lowerExpr } from "../lower-expr.js";
import type { RValue } from "../values.js";
import { argument, callHelper, contextArgument, u64Argument, unsupportedMethod, valueArgument, valueSize, type MapCall } from "./call-support.js";
import { CURRENT_CPU, MapHelper } from "./helper-ids.js";

export function lowerEventMethod(c: MapCall): RValue {
  if (c.map.dslClass === "PerfEventArray") {
    if (c.method !== "perfOutput") return unsupportedMethod(c);
    const ctx = contextArgument(c, 0);
    const value = valueArgument(c, 1, "record");
    return callHelper(c, MapHelper.perfEventOutput, [ctx, c.mapOperand, u64Argument(c, 2, CURRENT_CPU), value, valueSize(c)], "i64");
  }
  switch (c.method) {
    case "output": {
      const value = valueArgument(c, 0, "record");
      return callHelper(c, MapHelper.ringbufOutput, [c.mapOperand, value, valueSize(c), u64Argument(c, 1)], "i64");
    }
    case "reserve":
      return callHelper(c, MapHelper.ringbufReserve, [c.mapOperand, valueSize(c), u64Argument(c, 0)], "ptr", c.map.value);
    case "submit":
    case "discard": {
      const record = recordArgument(c);
      return callHelper(c, c.method === "submit" ? MapHelper.ringbufSubmit : MapHelper.ringbufDiscard, [record, u64Argument(c, 1)], "void");
    }
    default:
      return unsupportedMethod(c);
  }
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
