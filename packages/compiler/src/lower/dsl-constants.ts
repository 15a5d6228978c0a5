/**
 * Constants the DSL exports (`XDP_DROP`, `UpdateFlags.NoExist`, `RingBufFlags.NoWakeup`, ...):
 * compile-time values read from their declarations (the package's sources or its `.d.ts`, where
 * tsc keeps them as literal initialisers or literal types).
 */
import { ts } from "ts-morph";
import { inRange, type IntKind } from "../checker/kinds.js";
import { intType } from "../checker/types.js";
import { evaluateConstant } from "../frontend/constant.js";
import { imm } from "../ir/ir.js";
import type { LowerContext } from "./context.js";
import type { RValue } from "./values.js";

/** The value of a DSL constant named by `node` (an identifier or `Group.Member`), if it is one. */
export function dslConstant(L: LowerContext, node: ts.Identifier | ts.PropertyAccessExpression): RValue | undefined {
  const declaration = L.oracle.declarationOf(ts.isIdentifier(node) ? node : node.name);
  if (!declaration || L.oracle.dslNameOf(declaration) === undefined) return undefined;
  let source: ts.Node | undefined;
  if (ts.isVariableDeclaration(declaration)) {
    if (!(declaration.parent.flags & ts.NodeFlags.Const)) return undefined;
    source = declaration.initializer ?? declaration.type;
  } else if (ts.isPropertyAssignment(declaration)) {
    source = declaration.initializer;
  } else if (ts.isPropertySignature(declaration)) {
    source = declaration.type;
  }
  if (source && ts.isAsExpression(source)) source = source.expression;
  if (source && ts.isLiteralTypeNode(source)) source = source.literal;
  if (!source || !ts.isExpression(source as ts.Node)) return undefined;
  const expression = source as ts.Expression;
  const value = evaluateConstant(expression);
  if (value === undefined) return undefined;
  const wide = isBigint(expression);
  const kinds: IntKind[] = wide ? ["i64", "u64"] : ["i32", "u32"];
  const kind = kinds.find((k) => inRange(value, k));
  if (!kind) return undefined;
  return { type: intType(kind), op: imm(value, kind), literal: value };
}

function isBigint(node: ts.Expression): boolean {
  if (ts.isBigIntLiteral(node)) return true;
  if (ts.isPrefixUnaryExpression(node)) return isBigint(node.operand);
  if (ts.isParenthesizedExpression(node)) return isBigint(node.expression);
  if (ts.isBinaryExpression(node)) return isBigint(node.left);
  return false;
}
