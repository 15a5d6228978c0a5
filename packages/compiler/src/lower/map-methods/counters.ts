/**
 * Perf event arrays of counters (`PerfCounterArray`, bcc's `BPF_PERF_ARRAY`): `perfRead(flags?)` is
 * bpf_perf_event_read(map, flags), bcc's `perf_read(cpu)`; `perfReadValue(value, flags?)` is
 * bpf_perf_event_read_value(map, flags, &value, sizeof(value)), which also gives the times the
 * counter was enabled and running. `flags` is the slot: BPF_F_CURRENT_CPU (the default) or an
 * index. The verifier checks that the program type may call each (tracing programs).
 */
import { ts } from "ts-morph";
import { sizeOf } from "../../checker/layout.js";
import { typeName } from "../../checker/types.js";
import { Codes } from "../../diagnostics/codes.js";
import { imm, type Operand } from "../../ir/ir.js";
import { fail } from "../errors.js";
import { wholeAddress } from "../indexed.js";
import { lowerExpr } from "../lower-expr.js";
import { addressOperand, isPlaceExpression, lowerPlace } from "../lower-place.js";
import type { RValue } from "../values.js";
import { argument, callHelper, u64Argument, unsupportedMethod, type MapCall } from "./call-support.js";
import { CURRENT_CPU } from "./helper-ids.js";

const BPF_FUNC_perf_event_read = 22;
const BPF_FUNC_perf_event_read_value = 55;
/** struct bpf_perf_event_value { __u64 counter, enabled, running; } */
const VALUE_SIZE = 24;

export function lowerCounterMethod(c: MapCall): RValue {
  switch (c.method) {
    case "perfRead":
      return callHelper(c, BPF_FUNC_perf_event_read, [c.mapOperand, u64Argument(c, 0, CURRENT_CPU)], "u64");
    case "perfReadValue": {
      const value = valueAddress(c, argument(c, 0, "value (a PerfEventValue the program holds)"));
      return callHelper(c, BPF_FUNC_perf_event_read_value, [c.mapOperand, u64Argument(c, 1, CURRENT_CPU), value, imm(BigInt(VALUE_SIZE), "u64")], "i64");
    }
    default:
      return unsupportedMethod(c);
  }
}

/** The address of the 24-byte struct the kernel fills: a local or member, or a pointer to one (a map value). */
function valueAddress(c: MapCall, node: ts.Expression): Operand {
  if (isPlaceExpression(node)) {
    const place = lowerPlace(c.L, node);
    if (place.tag === "mem" && place.type.tag === "struct") {
      if (sizeOf(place.type) !== VALUE_SIZE) return wrongValue(c, node, typeName(place.type));
      return addressOperand(c.L, wholeAddress(c.L, place, node));
    }
  }
  const value = lowerExpr(c.L, node);
  if (value.type.tag === "ptr" && value.type.pointee.tag === "struct" && sizeOf(value.type.pointee) === VALUE_SIZE) return value.op;
  return wrongValue(c, node, typeName(value.type));
}

function wrongValue(c: MapCall, node: ts.Node, given: string): never {
  return fail(Codes.MapMethod, node, `${c.map.name}.perfReadValue() fills a PerfEventValue ({ counter, enabled, running: u64 }), not '${given}'`,
    "declare const v: PerfEventValue = { counter: 0n, enabled: 0n, running: 0n } and pass v");
}
