/**
 * What every map method's lowering needs: its arguments (keys and values passed by address,
 * flags as u64, the program context), the helper call, and the receiver (a map field, or a map
 * of maps' slot).
 */
import { ts } from "ts-morph";
import { sizeOf } from "../../checker/layout.js";
import { intType, VOID, typeName, type Type } from "../../checker/types.js";
import { Codes } from "../../diagnostics/codes.js";
import type { MapModel } from "../../frontend/probe-model.js";
import { imm, type IrKind, type Operand, type StackObject } from "../../ir/ir.js";
import type { LowerContext } from "../context.js";
import { convertTo } from "../convert.js";
import { fail } from "../errors.js";
import { aggregateAddress, scalarAddress } from "../lower-aggregate.js";
import { lowerExpr } from "../lower-expr.js";
import { addressOperand } from "../lower-place.js";
import type { RValue } from "../values.js";
import { isContextArgument } from "../context-argument.js";

/** One map method call being lowered. */
export interface MapCall {
  L: LowerContext;
  node: ts.CallExpression;
  method: string;
  map: MapModel;
  /** The map operand: an `ld_imm64` of the field's map, or an inner map pointer in a register. */
  mapOperand: Operand;
  /** Stack temporaries to release after the call. */
  temps: StackObject[];
  /** Flags already lowered while telling a method's overloads apart (events.ts). */
  flags?: Operand;
}

export function argument(c: MapCall, i: number, what: string): ts.Expression {
  return c.node.arguments[i] ?? fail(Codes.MapMethod, c.node, `${c.map.name}.${c.method}() needs its ${what}`);
}

/** The address of a value of `type` (a key or value passed by pointer). */
export function addressOf(c: MapCall, node: ts.Expression, type: Type, what: string): Operand {
  const label = `${c.map.name} ${what}`;
  const addr = type.tag === "int" ? scalarAddress(c.L, node, type, c.temps, label) : aggregateAddress(c.L, node, type, c.temps, label);
  return addressOperand(c.L, addr);
}

export function keyArgument(c: MapCall, i: number): Operand {
  return addressOf(c, argument(c, i, "key"), c.map.key!, "key");
}

export function valueArgument(c: MapCall, i: number, what = "value"): Operand {
  return addressOf(c, argument(c, i, what), c.map.value, what);
}

/** An optional integer argument as a u64 (flags), `fallback` when absent. */
export function u64Argument(c: MapCall, i: number, fallback = 0n): Operand {
  const a = c.node.arguments[i];
  if (!a) return imm(fallback, "u64");
  return convertTo(c.L, lowerExpr(c.L, a, intType("u64")), intType("u64"), a);
}

/** An integer argument of `kind`, extended to a 64-bit register. */
export function intArgument(c: MapCall, i: number, what: string, kind: "u32" | "u64"): Operand {
  const a = argument(c, i, what);
  const type = intType(kind);
  return convertTo(c.L, lowerExpr(c.L, a, type), type, a);
}

/** The program's context pointer, which helpers such as bpf_get_stackid take first. */
export function contextArgument(c: MapCall, i: number): Operand {
  const a = argument(c, i, "context (the program's ctx parameter)");
  const value = lowerExpr(c.L, a);
  if (value.type.tag !== "ptr" || !isContextArgument(c.L, a)) {
    fail(Codes.MapMethod, a, `${c.map.name}.${c.method}() takes the program's context parameter, not '${typeName(value.type)}'`,
      "pass the program's ctx parameter itself");
  }
  return value.op;
}

/** Emits a helper call; `returns` is the result's kind ("ptr" for pointers to `pointee`). */
export function callHelper(c: MapCall, helper: number, args: Operand[], returns: IrKind | "void", pointee?: Type): RValue {
  if (returns === "void") {
    c.L.b.emit({ op: "call", helper, args });
    return { type: VOID, op: imm(0n, "i64") };
  }
  const dst = c.L.b.newReg(returns);
  c.L.b.emit({ op: "call", helper, args, dst });
  if (returns === "ptr") return { type: { tag: "ptr", pointee: pointee! }, op: { tag: "reg", reg: dst } };
  return { type: intType(returns), op: { tag: "reg", reg: dst } };
}

/** The value type's size as a u64 immediate (helpers that take a size). */
export function valueSize(c: MapCall, type: Type = c.map.value): Operand {
  return imm(BigInt(sizeOf(type)), "u64");
}

export function unsupportedMethod(c: MapCall): never {
  return fail(Codes.MapMethod, c.node, `${c.map.dslClass}.${c.method}() is not supported in BPF programs`);
}
