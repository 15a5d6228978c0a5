/**
 * Compile-time evaluation of the integer expressions that must be constants: map options,
 * initialisers of global fields, array lengths.
 */
import { ts } from "ts-morph";

/**
 * The value of a constant integer expression, or undefined when it is not one. `leaf` gives the
 * value of names (constants, enum members) where the caller can resolve them.
 */
export function evaluateConstant(node: ts.Expression, leaf?: (node: ts.Expression) => bigint | undefined): bigint | undefined {
  if (ts.isParenthesizedExpression(node)) return evaluateConstant(node.expression, leaf);
  if (ts.isNumericLiteral(node)) {
    const value = Number(node.text);
    return Number.isSafeInteger(value) ? BigInt(value) : undefined;
  }
  if (ts.isBigIntLiteral(node)) return BigInt(node.text.slice(0, -1));
  if (node.kind === ts.SyntaxKind.TrueKeyword) return 1n;
  if (node.kind === ts.SyntaxKind.FalseKeyword) return 0n;
  if (ts.isPrefixUnaryExpression(node)) {
    const operand = evaluateConstant(node.operand, leaf);
    if (operand === undefined) return undefined;
    switch (node.operator) {
      case ts.SyntaxKind.MinusToken: return -operand;
      case ts.SyntaxKind.PlusToken: return operand;
      case ts.SyntaxKind.TildeToken: return ~operand;
      default: return undefined;
    }
  }
  if (ts.isBinaryExpression(node)) {
    const a = evaluateConstant(node.left, leaf);
    const b = evaluateConstant(node.right, leaf);
    if (a === undefined || b === undefined) return undefined;
    switch (node.operatorToken.kind) {
      case ts.SyntaxKind.PlusToken: return a + b;
      case ts.SyntaxKind.MinusToken: return a - b;
      case ts.SyntaxKind.AsteriskToken: return a * b;
      case ts.SyntaxKind.AsteriskAsteriskToken: return b >= 0n && b < 128n ? a ** b : undefined;
      case ts.SyntaxKind.SlashToken: return b === 0n ? undefined : a / b;
      case ts.SyntaxKind.PercentToken: return b === 0n ? undefined : a % b;
      case ts.SyntaxKind.LessThanLessThanToken: return b >= 0n && b < 128n ? a << b : undefined;
      case ts.SyntaxKind.GreaterThanGreaterThanToken: return b >= 0n && b < 128n ? a >> b : undefined;
      case ts.SyntaxKind.AmpersandToken: return a & b;
      case ts.SyntaxKind.BarToken: return a | b;
      case ts.SyntaxKind.CaretToken: return a ^ b;
      default: return undefined;
    }
  }
  return leaf?.(node);
}
