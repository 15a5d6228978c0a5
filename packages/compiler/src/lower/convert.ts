/**
 * Implicit and explicit conversions between the subset's scalar types, as C converts: integers
 * truncate or extend to the target kind, `null` becomes any pointer, nothing else converts.
 */
import type { ts } from "ts-morph";
import { inRange, wrapToKind, type IntKind } from "../checker/kinds.js";
import { intType, sameType, typeName, type Type } from "../checker/types.js";
import { Codes } from "../diagnostics/codes.js";
import { imm, type Operand } from "../ir/ir.js";
import type { LowerContext } from "./context.js";
import { fail } from "./errors.js";
import type { RValue } from "./values.js";

/** Converts an integer value to `kind`; constants fold here. */
export function toKind(L: LowerContext, value: RValue, kind: IntKind, node: ts.Node): Operand {
  if (value.type.tag !== "int") {
    fail(Codes.NotAssignable, node, `a ${typeName(value.type)} is not an integer`, "only integers convert to integer kinds");
  }
  const from = value.type.kind;
  if (from === kind) return value.op;
  if (value.op.tag === "imm") return imm(wrapToKind(value.op.value, kind), kind);
  if (kind === "bool") {
    const dst = L.b.newReg("bool");
    L.b.emit({ op: "cmp", cmp: "ne", kind: from, dst, a: value.op, b: imm(0n, from) });
    return { tag: "reg", reg: dst };
  }
  const dst = L.b.newReg(kind);
  L.b.emit({ op: "conv", dst, src: value.op, from, to: kind });
  return { tag: "reg", reg: dst };
}

/**
 * The implicit conversion of initialisation, assignment, arguments and `return`: integers to any
 * integer kind (a literal must fit the target), `null` to pointers, pointers to the same pointer.
 */
export function convertTo(L: LowerContext, value: RValue, to: Type, node: ts.Node): Operand {
  // A UserPtr is its address where an integer address is expected (bpf.probeReadUserStr).
  if (to.tag === "int" && to.kind === "u64" && value.type.tag === "ptr" && value.type.user) return value.op;
  if (to.tag === "int") {
    if (value.literal !== undefined && !inRange(value.literal, to.kind)) {
      fail(Codes.LiteralOutOfRange, node, `${value.literal} is out of range for ${to.kind}`,
        `write ${to.kind}(${value.literal}${to.kind.endsWith("64") ? "n" : ""}) to wrap it around explicitly`);
    }
    return toKind(L, value, to.kind, node);
  }
  if (to.tag === "ptr") {
    if (value.isNull) return imm(0n, "ptr");
    if (value.type.tag === "ptr" && sameType(value.type, to)) return value.op;
  }
  return fail(Codes.NotAssignable, node, `a value of type '${typeName(value.type)}' cannot be converted to '${typeName(to)}'`);
}

export function intValue(kind: IntKind, op: Operand): RValue {
  return { type: intType(kind), op };
}
