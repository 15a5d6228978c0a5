/**
 * `atomics.add(place, v)`, `atomics.add(array, index, v)` and the other operations of the DSL's
 * `atomics` (packages/tsbpf/src/dsl/atomics.ts), shaped like JavaScript's `Atomics`: each returns
 * the old value. They become BPF atomic instructions on the place's memory: the fetching form
 * only when the call's value is used (clang likewise emits a plain `lock xadd` for an unused
 * `__sync_fetch_and_add`), `sub` as an add of the negation. `load` and `store` are one plain
 * access (BPF's aligned 32/64-bit accesses are single-copy atomic).
 */
import { ts } from "ts-morph";
import { kindSize, wrapToKind, type IntKind } from "../checker/kinds.js";
import { sizeOf } from "../checker/layout.js";
import { intType, typeName } from "../checker/types.js";
import { Codes } from "../diagnostics/codes.js";
import { imm, type Address, type AtomicOp, type Operand, type VReg } from "../ir/ir.js";
import type { LowerContext } from "./context.js";
import { convertTo } from "./convert.js";
import { fail } from "./errors.js";
import { accessIndexed } from "./indexed.js";
import { constantOf } from "./loop-bound.js";
import { isComputedConstant } from "./typed-constant.js";
import { lowerExpr } from "./lower-expr.js";
import { anyIndexedPlace, isPlaceExpression, lowerPlace, offsetAddress, readPlace, writePlace } from "./lower-place.js";
import type { Place, RValue } from "./values.js";

type MemPlace = Extract<Place, { tag: "mem" }>;

const OPS: Record<string, { aop: AtomicOp | "sub" | "load" | "store"; values: number }> = {
  add: { aop: "add", values: 1 },
  sub: { aop: "sub", values: 1 },
  and: { aop: "and", values: 1 },
  or: { aop: "or", values: 1 },
  xor: { aop: "xor", values: 1 },
  exchange: { aop: "xchg", values: 1 },
  compareExchange: { aop: "cmpxchg", values: 2 },
  load: { aop: "load", values: 0 },
  store: { aop: "store", values: 1 },
};

const HINT = "atomics work on 32- and 64-bit integers in memory other CPUs see: a map value's member (through lookup()), a global field, or a struct local's member";

/** `atomics.<name>(...)`. */
export function lowerAtomic(L: LowerContext, node: ts.CallExpression, name: string): RValue {
  const op = OPS[name];
  if (!op) return fail(Codes.UnknownHelper, node, `atomics.${name}() is not an atomic operation`, `use ${Object.keys(OPS).join(", ")}`);
  const first = node.arguments[0];
  if (!first || !isPlaceExpression(first)) {
    return fail(Codes.HelperArguments, first ?? node, `atomics.${name}() takes the place to update first (a member, an element, this.<global>)`, HINT);
  }
  let place = lowerPlace(L, first);
  let rest = node.arguments.slice(1);
  if (place.tag === "mem" && place.type.tag === "array" && rest.length === op.values + 1) {
    // The Atomics form: (array, index, ...values).
    place = element(L, place, rest[0]!);
    rest = rest.slice(1);
  }
  if (rest.length !== op.values) {
    fail(Codes.HelperArguments, node, `atomics.${name}() takes the place${op.values ? ` and ${op.values === 1 ? "a value" : "the expected value and the replacement"}` : ""}`,
      "or an array and an index first, as JavaScript's Atomics does");
  }
  const target = atomicPlace(place, first, name, op.aop === "load");
  const type = intType(target.kind);
  const values = rest.map((arg) => convertTo(L, lowerExpr(L, arg, type), type, arg));
  if (op.aop === "load") return readPlace(L, place, first);
  if (op.aop === "store") {
    writePlace(L, place, values[0]!, first);
    return { type, op: values[0]! };
  }
  const used = !isDiscarded(node);
  const aop: AtomicOp = op.aop === "sub" ? "add" : op.aop;
  const value = op.aop === "sub" ? negate(L, values[op.values - 1]!, target.kind) : values[op.values - 1]!;
  const expected = op.aop === "cmpxchg" ? values[0] : undefined;
  const dst = used ? L.b.newReg(target.kind) : undefined;
  const emit = (addr: Address): void => {
    L.b.emit({ op: "atomic", aop, addr, value, kind: target.kind, ...(dst ? { dst } : {}), ...(expected ? { expected } : {}) });
  };
  if (target.place.index) accessIndexed(L, target.place, emit, dst ? () => L.b.emit({ op: "mov", dst, src: imm(0n, target.kind) }) : undefined);
  else emit(target.place.addr);
  return { type, op: dst ? reg(dst) : imm(0n, target.kind) };
}

/** `array[index]` as the element place (the index bounds-checked as an element access is). */
function element(L: LowerContext, array: MemPlace, index: ts.Expression): Place {
  if (array.type.tag !== "array") return array;
  let constant = constantOf(L, index);
  // As lower-place.ts: an index computed from constants is checked at run time when out of range.
  if (constant !== undefined && isComputedConstant(index) && (constant < 0n || constant >= BigInt(array.type.length))) constant = undefined;
  if (constant === undefined) return anyIndexedPlace(L, array, lowerExpr(L, index), index);
  if (constant < 0n || constant >= BigInt(array.type.length)) {
    return fail(Codes.IndexOutOfRange, index, `index ${constant} is out of bounds for ${typeName(array.type)}`, `valid indexes are 0 to ${array.type.length - 1}`);
  }
  return { ...array, addr: offsetAddress(array.addr, Number(constant) * sizeOf(array.type.element)), type: array.type.element };
}

/** The place checked: memory the program may write, holding a 32- or 64-bit integer. */
function atomicPlace(place: Place, node: ts.Expression, name: string, reads: boolean): { place: MemPlace; kind: IntKind } {
  if (place.tag === "var") {
    return fail(Codes.HelperArguments, node, `atomics.${name}() needs memory: '${place.name}' is a local held in a register, which no other CPU sees`, HINT);
  }
  if (place.core || place.user) return fail(Codes.ReadOnly, node, `atomics.${name}() cannot update kernel or user memory read through a pointer`, HINT);
  if (place.readonly !== undefined && !reads) return fail(Codes.ReadOnly, node, "this memory is read-only", place.readonly);
  const type = place.type;
  if (type.tag !== "int" || (kindSize(type.kind) !== 4 && kindSize(type.kind) !== 8)) {
    return fail(Codes.HelperArguments, node, `atomics.${name}() works on u32, i32, u64 and i64, not '${typeName(type)}'`, HINT);
  }
  return { place, kind: type.kind };
}

/** Whether the call's value is thrown away (an expression statement, `void`, the left of a comma). */
function isDiscarded(node: ts.Node): boolean {
  const parent = node.parent;
  if (ts.isParenthesizedExpression(parent)) return isDiscarded(parent);
  if (ts.isExpressionStatement(parent) || ts.isVoidExpression(parent)) return true;
  return ts.isBinaryExpression(parent) && parent.operatorToken.kind === ts.SyntaxKind.CommaToken && parent.left === node;
}

function negate(L: LowerContext, value: Operand, kind: IntKind): Operand {
  if (value.tag === "imm") return imm(wrapToKind(-value.value, kind), kind);
  const dst = L.b.newReg(kind);
  L.b.emit({ op: "un", uop: "neg", kind, dst, a: value });
  return reg(dst);
}

function reg(r: VReg): Operand {
  return { tag: "reg", reg: r };
}
