/**
 * Compile-time values of integer expressions computed as C computes them at run time: each
 * operation in the kind C's conversions give it (promotions, usual arithmetic conversions,
 * wrap-around, signed or unsigned division), not with mathematical integers. `K_NEG / K_BIG + 3`
 * with `K_NEG: i32 = -2` and `K_BIG: u32 = 4000000000` is 4 in C (-2 converts to 4294967294), 3 in
 * mathematics: a constant index, a switch label or a loop bound must have the value the program
 * would compute (issue 9). Leaves are typed as lowering types them: literals by default `i32`
 * (`u32` when they do not fit; bigints `i64`/`u64`), `const`s by their declared kind.
 */
import { ts } from "ts-morph";
import { promote, usualArithmetic } from "../checker/conversions.js";
import { inRange, kindBits, toUnsigned, wrapToKind, type IntKind } from "../checker/kinds.js";
import type { LowerContext } from "./context.js";
import { enumValue } from "./loop-bound.js";

export interface TypedConstant {
  value: bigint;
  kind: IntKind;
}

/** The kind lowering gives a literal without context (lower-expr.ts literalValue). */
function literal(value: bigint, wide: boolean): TypedConstant | undefined {
  const kind = (wide ? (["i64", "u64"] as const) : (["i32", "u32"] as const)).find((k) => inRange(value, k));
  return kind ? { value, kind } : undefined;
}

/** The C value and kind of `node`, or undefined when it is not a constant the rules below cover. */
export function typedConstantOf(L: LowerContext, node: ts.Expression, depth = 0): TypedConstant | undefined {
  if (depth > 8) return undefined;
  if (ts.isParenthesizedExpression(node)) return typedConstantOf(L, node.expression, depth + 1);
  if (ts.isNumericLiteral(node)) {
    const value = Number(node.text);
    return Number.isSafeInteger(value) ? literal(BigInt(value), false) : undefined;
  }
  if (ts.isBigIntLiteral(node)) return literal(BigInt(node.text.slice(0, -1)), true);
  if (node.kind === ts.SyntaxKind.TrueKeyword) return { value: 1n, kind: "bool" };
  if (node.kind === ts.SyntaxKind.FalseKeyword) return { value: 0n, kind: "bool" };
  if (ts.isPrefixUnaryExpression(node)) return unary(L, node, depth);
  if (ts.isBinaryExpression(node)) return binary(L, node, depth);
  if (ts.isIdentifier(node)) return named(L, node, depth);
  if (ts.isPropertyAccessExpression(node)) {
    const declaration = L.oracle.declarationOf(node.name);
    if (declaration && ts.isEnumMember(declaration)) {
      const value = enumValue(L, declaration);
      return value === undefined ? undefined : literal(value, false);
    }
    if (node.name.text === "length") {
      const match = /(?:FixedArray<.*,\s*(\d+)>|CharArray<(\d+)>)$/.exec(L.oracle.typeText(node.expression));
      if (match) return literal(BigInt(match[1] ?? match[2]!), false);
    }
  }
  return undefined;
}

function unary(L: LowerContext, node: ts.PrefixUnaryExpression, depth: number): TypedConstant | undefined {
  // `-2` is one literal to lowering, typed by its negative value.
  if (node.operator === ts.SyntaxKind.MinusToken && ts.isNumericLiteral(node.operand)) {
    const value = Number(node.operand.text);
    return Number.isSafeInteger(value) ? literal(-BigInt(value), false) : undefined;
  }
  if (node.operator === ts.SyntaxKind.MinusToken && ts.isBigIntLiteral(node.operand)) return literal(-BigInt(node.operand.text.slice(0, -1)), true);
  const operand = typedConstantOf(L, node.operand, depth + 1);
  if (!operand) return undefined;
  const kind = promote(operand.kind);
  switch (node.operator) {
    case ts.SyntaxKind.MinusToken: return { value: wrapToKind(-operand.value, kind), kind };
    case ts.SyntaxKind.PlusToken: return { value: wrapToKind(operand.value, kind), kind };
    case ts.SyntaxKind.TildeToken: return { value: wrapToKind(~operand.value, kind), kind };
    default: return undefined;
  }
}

function binary(L: LowerContext, node: ts.BinaryExpression, depth: number): TypedConstant | undefined {
  const a = typedConstantOf(L, node.left, depth + 1);
  const b = typedConstantOf(L, node.right, depth + 1);
  if (!a || !b) return undefined;
  const operator = node.operatorToken.kind;
  if (operator === ts.SyntaxKind.LessThanLessThanToken || operator === ts.SyntaxKind.GreaterThanGreaterThanToken
    || operator === ts.SyntaxKind.GreaterThanGreaterThanGreaterThanToken) {
    // A shift has its promoted left operand's kind; a count outside the width is left to run time.
    let kind = promote(a.kind);
    if (operator === ts.SyntaxKind.GreaterThanGreaterThanGreaterThanToken) kind = toUnsigned(kind);
    const count = b.value;
    if (count < 0n || count >= BigInt(kindBits(kind))) return undefined;
    const x = wrapToKind(a.value, kind);
    const value = operator === ts.SyntaxKind.LessThanLessThanToken ? x << count : x >> count;
    return { value: wrapToKind(value, kind), kind };
  }
  const kind = usualArithmetic(a.kind, b.kind);
  const x = wrapToKind(a.value, kind);
  const y = wrapToKind(b.value, kind);
  let value: bigint;
  switch (operator) {
    case ts.SyntaxKind.PlusToken: value = x + y; break;
    case ts.SyntaxKind.MinusToken: value = x - y; break;
    case ts.SyntaxKind.AsteriskToken: value = x * y; break;
    // BigInt division truncates towards zero and `%` takes the dividend's sign, as C's do; a
    // constant zero divisor is a diagnostic of lowering, not a value.
    case ts.SyntaxKind.SlashToken: if (y === 0n) return undefined; value = x / y; break;
    case ts.SyntaxKind.PercentToken: if (y === 0n) return undefined; value = x % y; break;
    case ts.SyntaxKind.AmpersandToken: value = x & y; break;
    case ts.SyntaxKind.BarToken: value = x | y; break;
    case ts.SyntaxKind.CaretToken: value = x ^ y; break;
    default: return undefined;
  }
  return { value: wrapToKind(value, kind), kind };
}

/** A `const` (local or module): its initialiser's value in its declared kind. */
function named(L: LowerContext, node: ts.Identifier, depth: number): TypedConstant | undefined {
  const declaration = L.oracle.declarationOf(node);
  if (!declaration || !ts.isVariableDeclaration(declaration) || !declaration.initializer
    || !ts.isVariableDeclarationList(declaration.parent) || !(declaration.parent.flags & ts.NodeFlags.Const)) return undefined;
  const value = typedConstantOf(L, declaration.initializer, depth + 1);
  if (!value || !declaration.type) return value;
  let declared;
  try {
    declared = L.resolver.resolve(declaration.type);
  } catch {
    return undefined;
  }
  if (declared.tag !== "int") return undefined;
  return { value: wrapToKind(value.value, declared.kind), kind: declared.kind };
}

/** Whether C's value can differ from the mathematical one: the expression applies an operator to a constant. */
export function isComputedConstant(node: ts.Expression): boolean {
  if (ts.isParenthesizedExpression(node)) return isComputedConstant(node.expression);
  if (ts.isPrefixUnaryExpression(node)) return !ts.isNumericLiteral(node.operand) && !ts.isBigIntLiteral(node.operand);
  return ts.isBinaryExpression(node);
}

