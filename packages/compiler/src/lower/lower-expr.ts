/**
 * Scalar expressions: literals (contextually typed and range-checked), reads of places, module
 * constants, operators (C typing), the ternary, calls.
 */
import { ts } from "ts-morph";
import { inRange, type IntKind } from "../checker/kinds.js";
import { intType, ptrTo, VOID, type Type } from "../checker/types.js";
import { Codes } from "../diagnostics/codes.js";
import { constantOf, enumValue } from "./loop-bound.js";
import { dslConstant } from "./dsl-constants.js";
import { imm } from "../ir/ir.js";
import type { LowerContext } from "./context.js";
import { fail } from "./errors.js";
import { lowerCall } from "./lower-call.js";
import { lowerAssignment, lowerBinary, lowerConditional, lowerIncrement, lowerUnary } from "./lower-ops.js";
import { isPlaceExpression, lowerPlace, readPlace } from "./lower-place.js";
import { unsupportedExpression } from "./unsupported.js";
import { castTarget, lowerPointerCast } from "../core/cast.js";
import type { RValue } from "./values.js";

/**
 * Lowers a scalar expression. `expected` is the declared type the value goes to, if any: an
 * integer literal takes that kind (and must fit it), as C and TypeScript type literals by context.
 */
export function lowerExpr(L: LowerContext, node: ts.Expression, expected?: Type): RValue {
  switch (node.kind) {
    case ts.SyntaxKind.ParenthesizedExpression:
      return lowerExpr(L, (node as ts.ParenthesizedExpression).expression, expected);
    case ts.SyntaxKind.NonNullExpression:
      // `p!` asserts without a check: a null pointer then fails the verifier, not tsc.
      return lowerExpr(L, (node as ts.NonNullExpression).expression, expected);
    case ts.SyntaxKind.SatisfiesExpression:
      return lowerExpr(L, (node as ts.SatisfiesExpression).expression, expected);
    case ts.SyntaxKind.AsExpression: {
      const as = node as ts.AsExpression;
      if (ts.isConstTypeReference(as.type)) return lowerExpr(L, as.expression, expected);
      const target = pointerCastTarget(L, as.type);
      if (target) {
        // `p as Ptr<task_struct___old>`, `addr as unknown as Ptr<task_struct>`: core/cast.ts.
        let source = as.expression;
        while (ts.isAsExpression(source) && source.type.kind === ts.SyntaxKind.UnknownKeyword) source = source.expression;
        return lowerPointerCast(L, source, castTarget(target, as.type));
      }
      return unsupportedExpression(node);
    }
    case ts.SyntaxKind.NumericLiteral:
      return numericLiteral(node as ts.NumericLiteral, 1n, node, expected);
    case ts.SyntaxKind.BigIntLiteral:
      return bigintLiteral(node as ts.BigIntLiteral, 1n, node, expected);
    case ts.SyntaxKind.TrueKeyword:
    case ts.SyntaxKind.FalseKeyword:
      return { type: intType("bool"), op: imm(node.kind === ts.SyntaxKind.TrueKeyword ? 1n : 0n, "bool") };
    case ts.SyntaxKind.NullKeyword:
      return { type: ptrTo(VOID), op: imm(0n, "ptr"), isNull: true };
    case ts.SyntaxKind.PrefixUnaryExpression: {
      const unary = node as ts.PrefixUnaryExpression;
      if (unary.operator === ts.SyntaxKind.MinusToken) {
        if (ts.isNumericLiteral(unary.operand)) return numericLiteral(unary.operand, -1n, node, expected);
        if (ts.isBigIntLiteral(unary.operand)) return bigintLiteral(unary.operand, -1n, node, expected);
      }
      if (unary.operator === ts.SyntaxKind.PlusPlusToken || unary.operator === ts.SyntaxKind.MinusMinusToken) {
        return lowerIncrement(L, unary.operand, unary.operator === ts.SyntaxKind.PlusPlusToken, true, node);
      }
      return lowerUnary(L, unary);
    }
    case ts.SyntaxKind.PostfixUnaryExpression: {
      const unary = node as ts.PostfixUnaryExpression;
      return lowerIncrement(L, unary.operand, unary.operator === ts.SyntaxKind.PlusPlusToken, false, node);
    }
    case ts.SyntaxKind.BinaryExpression: {
      const binary = node as ts.BinaryExpression;
      const op = binary.operatorToken.kind;
      if (op >= ts.SyntaxKind.FirstAssignment && op <= ts.SyntaxKind.LastAssignment) return lowerAssignment(L, binary);
      return lowerBinary(L, binary);
    }
    case ts.SyntaxKind.ConditionalExpression:
      return lowerConditional(L, node as ts.ConditionalExpression, expected);
    case ts.SyntaxKind.CallExpression:
      return lowerCall(L, node as ts.CallExpression);
    case ts.SyntaxKind.Identifier: {
      const constant = moduleConstant(L, node as ts.Identifier) ?? dslConstant(L, node as ts.Identifier);
      if (constant) return constant;
      return readPlace(L, lowerPlace(L, node as ts.Identifier), node);
    }
    case ts.SyntaxKind.PropertyAccessExpression: {
      const access = node as ts.PropertyAccessExpression;
      const member = L.oracle.declarationOf(access.name);
      if (member && ts.isEnumMember(member)) {
        // Enum members are compile-time constants, typed as the literals they stand for.
        const value = enumValue(L, member);
        if (value === undefined) fail(Codes.NotAValue, node, "this enum member has no constant integer value", "give every member an integer initialiser");
        return literalValue(value, false, node, expected);
      }
      const constant = dslConstant(L, access);
      if (constant) return constant;
      if (access.name.text === "length" && !access.questionDotToken) {
        const length = arrayLength(L, access);
        if (length !== undefined) return length;
      }
      return readPlace(L, lowerPlace(L, access), node);
    }
    case ts.SyntaxKind.ElementAccessExpression:
      return readPlace(L, lowerPlace(L, node as ts.ElementAccessExpression), node);
    default:
      return unsupportedExpression(node);
  }
}

/** The default kind of a literal without context: C's `int` (or `unsigned int` when it does not fit). */
/** The pointee of `as Ptr<K>` when K is a kernel struct (other `as` types convert nothing). */
function pointerCastTarget(L: LowerContext, type: ts.TypeNode): Type | undefined {
  if (!ts.isTypeReferenceNode(type)) return undefined;
  let resolved: Type;
  try {
    resolved = L.resolver.resolve(type);
  } catch {
    return undefined;
  }
  return resolved.tag === "ptr" && !resolved.user && resolved.pointee.tag === "struct" && resolved.pointee.kernel ? resolved.pointee : undefined;
}

function literalValue(value: bigint, wide: boolean, node: ts.Node, expected: Type | undefined): RValue {
  if (expected?.tag === "int") {
    const kind = expected.kind;
    if (!inRange(value, kind)) {
      fail(Codes.LiteralOutOfRange, node, `${value} is out of range for ${kind}`,
        `write ${kind}(${value}${wide ? "n" : ""}) to wrap it around explicitly`);
    }
    return { type: intType(kind), op: imm(value, kind), literal: value };
  }
  const candidates: IntKind[] = wide ? ["i64", "u64"] : ["i32", "u32"];
  const kind = candidates.find((k) => inRange(value, k));
  if (!kind) {
    fail(Codes.LiteralOutOfRange, node, `${value} does not fit in ${wide ? "64" : "32"} bits`,
      wide ? undefined : "64-bit values are bigints: write the literal with an n suffix");
  }
  return { type: intType(kind), op: imm(value, kind), literal: value };
}

function numericLiteral(literal: ts.NumericLiteral, sign: bigint, node: ts.Node, expected: Type | undefined): RValue {
  const value = Number(literal.text);
  if (!Number.isInteger(value)) {
    fail(Codes.Float, node, `'${node.getText()}' is not an integer: BPF programs have no floating point`,
      "use integer arithmetic, e.g. scale by 1000 and divide later in user space");
  }
  if (!Number.isSafeInteger(value)) fail(Codes.LiteralOutOfRange, node, `${literal.text} is not exactly representable as a number`, "use a bigint literal (with the n suffix) and a 64-bit kind");
  return literalValue(sign * BigInt(value), false, node, expected);
}

function bigintLiteral(literal: ts.BigIntLiteral, sign: bigint, node: ts.Node, expected: Type | undefined): RValue {
  return literalValue(sign * BigInt(literal.text.slice(0, -1)), true, node, expected);
}

/** `const LIMIT = 10` at the top level of the probe's module: a compile-time constant. */
function moduleConstant(L: LowerContext, node: ts.Identifier): RValue | undefined {
  const declaration = L.oracle.declarationOf(node);
  if (!declaration || !ts.isVariableDeclaration(declaration) || !declaration.initializer) return undefined;
  const list = declaration.parent;
  if (!ts.isVariableDeclarationList(list) || !(list.flags & ts.NodeFlags.Const)) return undefined;
  if (!ts.isVariableStatement(list.parent) || !ts.isSourceFile(list.parent.parent)) return undefined;
  if (declaration.getSourceFile() !== L.probe.node.getSourceFile()) return undefined;
  const value = constantOf(L, declaration.initializer);
  if (value === undefined) return undefined;
  const wide = isBigintLiteralExpression(declaration.initializer);
  const expected = declaration.type ? L.resolver.resolve(declaration.type) : undefined;
  const result = literalValue(value, wide, declaration.initializer, expected);
  // A declared kind is a real kind; only an undeclared one stays a literal for range checks.
  if (expected) delete result.literal;
  return result;
}

function isBigintLiteralExpression(node: ts.Expression): boolean {
  if (ts.isBigIntLiteral(node)) return true;
  if (ts.isParenthesizedExpression(node) || ts.isPrefixUnaryExpression(node)) {
    return isBigintLiteralExpression(ts.isParenthesizedExpression(node) ? node.expression : node.operand);
  }
  if (ts.isBinaryExpression(node)) return isBigintLiteralExpression(node.left);
  return false;
}

function arrayLength(L: LowerContext, node: ts.PropertyAccessExpression): RValue | undefined {
  if (!isPlaceExpression(node.expression)) return undefined;
  const place = lowerPlace(L, node.expression);
  if (place.type.tag !== "array") return undefined;
  return { type: intType("i32"), op: imm(BigInt(place.type.length), "i32") };
}
