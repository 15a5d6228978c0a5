/**
 * Conditions lower to branches, not to values: `&&`, `||` and `!` short-circuit by jumping, and
 * a comparison becomes one conditional jump. A pointer's truthiness is its null check, which is
 * what lets the verifier know the pointer is valid in the branch that uses it.
 */
import { ts } from "ts-morph";
import { typeName } from "../checker/types.js";
import { Codes } from "../diagnostics/codes.js";
import { imm, type Block } from "../ir/ir.js";
import type { LowerContext } from "./context.js";
import { fail } from "./errors.js";
import { lowerExpr } from "./lower-expr.js";
import { COMPARISON, compareOperands } from "./lower-ops.js";
import { lowerCharCompare } from "./char-compare.js";

export function lowerCond(L: LowerContext, node: ts.Expression, whenTrue: Block, whenFalse: Block): void {
  if (ts.isParenthesizedExpression(node)) return lowerCond(L, node.expression, whenTrue, whenFalse);
  if (ts.isPrefixUnaryExpression(node) && node.operator === ts.SyntaxKind.ExclamationToken) {
    return lowerCond(L, node.operand, whenFalse, whenTrue);
  }
  if (node.kind === ts.SyntaxKind.TrueKeyword) return L.b.terminate({ op: "br", target: whenTrue });
  if (node.kind === ts.SyntaxKind.FalseKeyword) return L.b.terminate({ op: "br", target: whenFalse });
  if (lowerCharCompare(L, node, whenTrue, whenFalse)) return;
  if (ts.isBinaryExpression(node)) {
    const operator = node.operatorToken.kind;
    if (operator === ts.SyntaxKind.AmpersandAmpersandToken) {
      const next = L.b.newBlock();
      lowerCond(L, node.left, next, whenFalse);
      L.b.setBlock(next);
      return lowerCond(L, node.right, whenTrue, whenFalse);
    }
    if (operator === ts.SyntaxKind.BarBarToken) {
      const next = L.b.newBlock();
      lowerCond(L, node.left, whenTrue, next);
      L.b.setBlock(next);
      return lowerCond(L, node.right, whenTrue, whenFalse);
    }
    const cmp = COMPARISON[operator];
    if (cmp) {
      const c = compareOperands(L, node, cmp);
      return L.b.terminate({ op: "cbr", cmp: c.cmp, kind: c.kind, a: c.a, b: c.b, then: whenTrue, else: whenFalse, source: true });
    }
  }
  const value = lowerExpr(L, node);
  if (value.type.tag === "int") {
    const kind = value.type.kind;
    return L.b.terminate({ op: "cbr", cmp: "ne", kind, a: value.op, b: imm(0n, kind), then: whenTrue, else: whenFalse, source: true });
  }
  if (value.type.tag === "ptr") {
    return L.b.terminate({ op: "cbr", cmp: "ne", kind: "ptr", a: value.op, b: imm(0n, "ptr"), then: whenTrue, else: whenFalse });
  }
  fail(Codes.OperatorType, node, `a ${typeName(value.type)} cannot be used as a condition`);
}
