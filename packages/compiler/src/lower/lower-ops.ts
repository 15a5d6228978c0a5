/**
 * Operators with C's typing: integer promotions and the usual arithmetic conversions pick the
 * kind each operation is done in, and the IR instruction carries that kind (its width, and its
 * signedness for division, modulo, right shift and comparisons).
 */
import { ts } from "ts-morph";
import { promote, usualArithmetic } from "../checker/conversions.js";
import { isSigned, toUnsigned, wrapToKind, type IntKind } from "../checker/kinds.js";
import { intType, sameType, typeName, type Type } from "../checker/types.js";
import { Codes } from "../diagnostics/codes.js";
import { spanOf } from "../frontend/span.js";
import { imm, type BinOp, type CmpOp, type IrKind, type Operand } from "../ir/ir.js";
import type { LowerContext } from "./context.js";
import { convertTo, toKind } from "./convert.js";
import { fail } from "./errors.js";
import { lowerAggregateInto } from "./lower-aggregate.js";
import { wholeAddress } from "./indexed.js";
import { lowerCond } from "./lower-cond.js";
import { isCharCompare } from "./char-compare.js";
import { lowerExpr } from "./lower-expr.js";
import { lowerPlace, readPlace, writePlace } from "./lower-place.js";
import { unsupportedExpression } from "./unsupported.js";
import { constantOf } from "./loop-bound.js";
import type { RValue } from "./values.js";
import { mergedPointerType } from "../core/origin.js";

const ARITHMETIC: Partial<Record<ts.SyntaxKind, BinOp>> = {
  [ts.SyntaxKind.PlusToken]: "add",
  [ts.SyntaxKind.MinusToken]: "sub",
  [ts.SyntaxKind.AsteriskToken]: "mul",
  [ts.SyntaxKind.SlashToken]: "div",
  [ts.SyntaxKind.PercentToken]: "mod",
  [ts.SyntaxKind.AmpersandToken]: "and",
  [ts.SyntaxKind.BarToken]: "or",
  [ts.SyntaxKind.CaretToken]: "xor",
  [ts.SyntaxKind.LessThanLessThanToken]: "shl",
  [ts.SyntaxKind.GreaterThanGreaterThanToken]: "shr",
  [ts.SyntaxKind.GreaterThanGreaterThanGreaterThanToken]: "shr",
};

const COMPOUND: Partial<Record<ts.SyntaxKind, ts.SyntaxKind>> = {
  [ts.SyntaxKind.PlusEqualsToken]: ts.SyntaxKind.PlusToken,
  [ts.SyntaxKind.MinusEqualsToken]: ts.SyntaxKind.MinusToken,
  [ts.SyntaxKind.AsteriskEqualsToken]: ts.SyntaxKind.AsteriskToken,
  [ts.SyntaxKind.SlashEqualsToken]: ts.SyntaxKind.SlashToken,
  [ts.SyntaxKind.PercentEqualsToken]: ts.SyntaxKind.PercentToken,
  [ts.SyntaxKind.AmpersandEqualsToken]: ts.SyntaxKind.AmpersandToken,
  [ts.SyntaxKind.BarEqualsToken]: ts.SyntaxKind.BarToken,
  [ts.SyntaxKind.CaretEqualsToken]: ts.SyntaxKind.CaretToken,
  [ts.SyntaxKind.LessThanLessThanEqualsToken]: ts.SyntaxKind.LessThanLessThanToken,
  [ts.SyntaxKind.GreaterThanGreaterThanEqualsToken]: ts.SyntaxKind.GreaterThanGreaterThanToken,
  [ts.SyntaxKind.GreaterThanGreaterThanGreaterThanEqualsToken]: ts.SyntaxKind.GreaterThanGreaterThanGreaterThanToken,
};

export const COMPARISON: Partial<Record<ts.SyntaxKind, CmpOp>> = {
  [ts.SyntaxKind.EqualsEqualsEqualsToken]: "eq",
  [ts.SyntaxKind.EqualsEqualsToken]: "eq",
  [ts.SyntaxKind.ExclamationEqualsEqualsToken]: "ne",
  [ts.SyntaxKind.ExclamationEqualsToken]: "ne",
  [ts.SyntaxKind.LessThanToken]: "lt",
  [ts.SyntaxKind.LessThanEqualsToken]: "le",
  [ts.SyntaxKind.GreaterThanToken]: "gt",
  [ts.SyntaxKind.GreaterThanEqualsToken]: "ge",
};

function requireInt(value: RValue, node: ts.Node, operator: string): IntKind {
  if (value.type.tag !== "int") {
    fail(Codes.OperatorType, node, `operator '${operator}' needs integers, not '${typeName(value.type)}'`,
      value.type.tag === "ptr" ? "pointer arithmetic is not supported; read a member through the pointer instead" : undefined);
  }
  return value.type.kind;
}

/** `a <op> b` for an arithmetic, bitwise or shift operator, typed as C types it. */
export function arithmetic(L: LowerContext, operator: ts.SyntaxKind, a: RValue, b: RValue, node: ts.Node, divisor?: ts.Expression): RValue {
  const bop = ARITHMETIC[operator];
  const text = ts.tokenToString(operator) ?? "?";
  if (!bop) return fail(Codes.UnsupportedOperator, node, `operator '${text}' is not supported`);
  const ka = requireInt(a, node, text);
  const kb = requireInt(b, node, text);
  let kind: IntKind;
  if (bop === "shl" || bop === "shr") {
    // A shift has the promoted type of its left operand (C11 6.5.7); `>>>` shifts in zeros.
    kind = promote(ka);
    if (operator === ts.SyntaxKind.GreaterThanGreaterThanGreaterThanToken) kind = toUnsigned(kind);
  } else {
    kind = usualArithmetic(ka, kb);
  }
  if ((bop === "div" || bop === "mod") && ((b.op.tag === "imm" && b.op.value === 0n) || (divisor && constantOf(L, divisor) === 0n))) {
    fail(Codes.ConstantZeroDivisor, node, `this ${bop === "div" ? "division" : "remainder"} is by a constant zero`,
      `BPF defines x / 0 = 0 and x % 0 = x, but a constant zero divisor is surely a mistake; write ${bop === "div" ? "0" : "the dividend"} if that is what you mean`);
  }
  const left = toKind(L, a, kind, node);
  const right = toKind(L, b, kind, node);
  const dst = L.b.newReg(kind);
  L.b.emit({ op: "bin", bop, kind, dst, a: left, b: right });
  return { type: intType(kind), op: { tag: "reg", reg: dst } };
}

export function lowerBinary(L: LowerContext, node: ts.BinaryExpression): RValue {
  const operator = node.operatorToken.kind;
  if (COMPARISON[operator] || operator === ts.SyntaxKind.AmpersandAmpersandToken || operator === ts.SyntaxKind.BarBarToken) {
    if (operator === ts.SyntaxKind.AmpersandAmpersandToken || operator === ts.SyntaxKind.BarBarToken) {
      if (!L.oracle.isBoolean(node.left) || !L.oracle.isBoolean(node.right)) {
        fail(Codes.LogicalValueNotBool, node, `'${node.operatorToken.getText()}' yields a bool in BPF programs; its operands must be booleans here`,
          "compare explicitly (x !== 0) or use a ternary to pick a value");
      }
    }
    return booleanValue(L, node);
  }
  if (operator === ts.SyntaxKind.QuestionQuestionToken) {
    fail(Codes.UnsupportedOperator, node.operatorToken, "'??' is not supported", "check pointers with a ternary: p ? p.value : 0n");
  }
  if (operator === ts.SyntaxKind.CommaToken) fail(Codes.UnsupportedOperator, node.operatorToken, "the comma operator is not supported");
  if (operator === ts.SyntaxKind.InKeyword || operator === ts.SyntaxKind.InstanceOfKeyword) {
    fail(Codes.UnsupportedOperator, node.operatorToken, `'${node.operatorToken.getText()}' has no meaning in a BPF program`,
      "every value's type and layout is known when the program is compiled");
  }
  if (operator === ts.SyntaxKind.AsteriskAsteriskToken) fail(Codes.UnsupportedOperator, node.operatorToken, "'**' is not supported", "multiply explicitly");
  const a = lowerExpr(L, node.left);
  const b = lowerExpr(L, node.right);
  return arithmetic(L, operator, a, b, node, node.right);
}

/** A condition as a value: 1 or 0 in a bool. */
function booleanValue(L: LowerContext, node: ts.Expression): RValue {
  const binary = ts.isBinaryExpression(node) ? node : undefined;
  const cmp = binary && COMPARISON[binary.operatorToken.kind];
  if (binary && cmp && !isCharCompare(L, binary)) {
    const c = compareOperands(L, binary, cmp);
    const dst = L.b.newReg("bool");
    L.b.emit({ op: "cmp", cmp: c.cmp, kind: c.kind, dst, a: c.a, b: c.b });
    return { type: intType("bool"), op: { tag: "reg", reg: dst } };
  }
  const dst = L.b.newReg("bool");
  const yes = L.b.newBlock();
  const no = L.b.newBlock();
  const join = L.b.newBlock();
  lowerCond(L, node, yes, no);
  L.b.setBlock(yes);
  L.b.emit({ op: "mov", dst, src: imm(1n, "bool") });
  L.b.jumpTo(join);
  L.b.setBlock(no);
  L.b.emit({ op: "mov", dst, src: imm(0n, "bool") });
  L.b.jumpTo(join);
  L.b.setBlock(join);
  return { type: intType("bool"), op: { tag: "reg", reg: dst } };
}

export interface Comparison {
  cmp: CmpOp;
  kind: IrKind;
  a: Operand;
  b: Operand;
}

/** The operands of a comparison, converted to their common kind (or a pointer against null). */
export function compareOperands(L: LowerContext, node: ts.BinaryExpression, cmp: CmpOp): Comparison {
  const a = charCode(node.left) ?? lowerExpr(L, node.left);
  const b = charCode(node.right) ?? lowerExpr(L, node.right);
  const text = node.operatorToken.getText();
  if (a.type.tag === "ptr" || b.type.tag === "ptr") {
    if (cmp !== "eq" && cmp !== "ne") fail(Codes.OperatorType, node.operatorToken, `pointers can only be compared for equality, not with '${text}'`, "compare the values they point to, or check for null");
    if (b.isNull && a.type.tag === "ptr") return { cmp, kind: "ptr", a: a.op, b: imm(0n, "ptr") };
    if (a.isNull && b.type.tag === "ptr") return { cmp, kind: "ptr", a: b.op, b: imm(0n, "ptr") };
    if (a.type.tag === "ptr" && b.type.tag === "ptr" && sameType(a.type, b.type)) return { cmp, kind: "ptr", a: a.op, b: b.op };
    fail(Codes.OperatorType, node, `cannot compare '${typeName(a.type)}' with '${typeName(b.type)}'`);
  }
  const ka = requireInt(a, node, text);
  const kb = requireInt(b, node, text);
  const kind = usualArithmetic(ka, kb);
  const negative = [a, b].find((v) => v.literal !== undefined && v.literal < 0n);
  if (negative && !isSigned(kind)) {
    // C converts the constant to the unsigned kind; JavaScript would compare the numbers.
    L.diagnostics.warning(Codes.SignedUnsignedComparison, spanOf(node),
      `${negative.literal} is converted to ${kind} for this comparison (it becomes ${wrapToKind(negative.literal!, kind)})`,
      `compare with a non-negative value, or cast the other operand to a signed kind (e.g. i64(x))`);
  }
  return { cmp, kind, a: toKind(L, a, kind, node), b: toKind(L, b, kind, node) };
}

/** A one-character string literal compared with a byte (`s[i] === "a"`): its code, an int as C's 'a'. */
function charCode(node: ts.Expression): RValue | undefined {
  if (!(ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) || node.text.length !== 1) return undefined;
  const code = BigInt(node.text.charCodeAt(0));
  if (code > 0x7fn) return undefined; // more than one byte in UTF-8
  return { type: intType("i32"), op: imm(code, "i32"), literal: code };
}

export function lowerUnary(L: LowerContext, node: ts.PrefixUnaryExpression): RValue {
  switch (node.operator) {
    case ts.SyntaxKind.ExclamationToken:
      return booleanValue(L, node);
    case ts.SyntaxKind.MinusToken:
    case ts.SyntaxKind.TildeToken:
    case ts.SyntaxKind.PlusToken: {
      const value = lowerExpr(L, node.operand);
      const text = ts.tokenToString(node.operator) ?? "?";
      const kind = promote(requireInt(value, node, text));
      const operand = toKind(L, value, kind, node);
      if (node.operator === ts.SyntaxKind.PlusToken) return { type: intType(kind), op: operand };
      const dst = L.b.newReg(kind);
      L.b.emit({ op: "un", uop: node.operator === ts.SyntaxKind.MinusToken ? "neg" : "not", kind, dst, a: operand });
      return { type: intType(kind), op: { tag: "reg", reg: dst } };
    }
    default:
      return unsupportedExpression(node);
  }
}

/** `x = e` and `x op= e`; the value is the one stored. */
export function lowerAssignment(L: LowerContext, node: ts.BinaryExpression): RValue {
  const operator = node.operatorToken.kind;
  if (ts.isObjectLiteralExpression(node.left) || ts.isArrayLiteralExpression(node.left)) {
    fail(Codes.Destructuring, node.left, "destructuring assignment is not supported");
  }
  const place = lowerPlace(L, node.left);
  if (operator === ts.SyntaxKind.EqualsToken) {
    if (place.type.tag === "struct" || place.type.tag === "array") {
      if (place.tag !== "mem") fail(Codes.NotAssignable, node, "cannot assign this value");
      if (place.readonly !== undefined) fail(Codes.ReadOnly, node.left, "this memory is read-only", place.readonly);
      lowerAggregateInto(L, node.right, place.type, wholeAddress(L, place, node.left));
      return { type: intType("i32"), op: imm(0n, "i32") };
    }
    const value = lowerExpr(L, node.right, place.type);
    const op = convertTo(L, value, place.type, node.right);
    writePlace(L, place, op, node.left);
    return { type: place.type, op };
  }
  const base = COMPOUND[operator];
  if (base === undefined) {
    return fail(Codes.UnsupportedOperator, node.operatorToken, `'${node.operatorToken.getText()}' is not supported`, "write the assignment out with an if");
  }
  const old = readPlace(L, place, node.left);
  const rhs = lowerExpr(L, node.right);
  const result = arithmetic(L, base, old, rhs, node, node.right);
  const op = convertTo(L, { type: result.type, op: result.op }, place.type, node);
  writePlace(L, place, op, node.left);
  return { type: place.type, op };
}

/** `++x`, `x++`, `--x`, `x--`: C's `x = x + 1` in the promoted kind, truncated back. */
export function lowerIncrement(L: LowerContext, target: ts.Expression, increment: boolean, prefix: boolean, node: ts.Node): RValue {
  const place = lowerPlace(L, target);
  const old = readPlace(L, place, target);
  const kind = requireInt(old, node, increment ? "++" : "--");
  let saved = old.op;
  if (!prefix && place.tag === "var") {
    // The old value must survive the write to the variable's register.
    const copy = L.b.newReg(kind);
    L.b.emit({ op: "mov", dst: copy, src: old.op });
    saved = { tag: "reg", reg: copy };
  }
  const one: RValue = { type: intType(kind === "i64" || kind === "u64" ? kind : "i32"), op: imm(1n, kind === "i64" || kind === "u64" ? kind : "i32") };
  const result = arithmetic(L, increment ? ts.SyntaxKind.PlusToken : ts.SyntaxKind.MinusToken, old, one, node);
  const op = toKind(L, result, kind, node);
  writePlace(L, place, op, target);
  return { type: intType(kind), op: prefix ? op : saved };
}

/** `c ? a : b`: the arms convert to their common type (usual arithmetic conversions, or a pointer). */
export function lowerConditional(L: LowerContext, node: ts.ConditionalExpression, expected: Type | undefined): RValue {
  const whenTrue = L.b.newBlock();
  const whenFalse = L.b.newBlock();
  const join = L.b.newBlock();
  lowerCond(L, node.condition, whenTrue, whenFalse);
  L.b.setBlock(whenTrue);
  const a = lowerExpr(L, node.whenTrue, expected);
  const endTrue = L.b.current;
  L.b.setBlock(whenFalse);
  const b = lowerExpr(L, node.whenFalse, expected);
  const endFalse = L.b.current;
  let type: Type;
  if (a.type.tag === "int" && b.type.tag === "int") type = intType(usualArithmetic(a.type.kind, b.type.kind));
  else if (a.type.tag === "ptr" && b.isNull) type = mergedPointerType(a.type, undefined);
  else if (b.type.tag === "ptr" && a.isNull) type = mergedPointerType(b.type, undefined);
  else if (a.type.tag === "ptr" && b.type.tag === "ptr" && sameType(a.type, b.type)) type = mergedPointerType(a.type, b.type);
  else return fail(Codes.OperatorType, node, `the arms of '?:' have incompatible types '${typeName(a.type)}' and '${typeName(b.type)}'`);
  // Two literal arms take the context's kind (range-checked, as any literal in context); otherwise
  // the arms convert to the result's kind by the usual arithmetic conversions, which wrap as C's
  // do: `c ? -129 : v` with v: u32 is 4294967167 on the literal's side, as for `-129 + v`.
  const contextual = expected?.tag === "int" && type.tag === "int" && a.literal !== undefined && b.literal !== undefined;
  if (contextual) type = expected;
  const dst = L.b.newReg(type.tag === "int" ? type.kind : "ptr");
  for (const [end, value, arm] of [[endTrue, a, node.whenTrue], [endFalse, b, node.whenFalse]] as const) {
    L.b.setBlock(end);
    const src = type.tag === "int" && !contextual ? toKind(L, value, type.kind, arm) : convertTo(L, value, type, arm);
    L.b.emit({ op: "mov", dst, src });
    L.b.jumpTo(join);
  }
  L.b.setBlock(join);
  const result: RValue = { type, op: { tag: "reg", reg: dst } };
  return result;
}
