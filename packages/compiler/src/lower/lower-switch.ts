/**
 * `switch`: the discriminant is evaluated once and compared with each constant case in source
 * order; the clause bodies follow each other, so a body without `break` falls through into the
 * next as in C; `default` may stand anywhere.
 */
import { ts } from "ts-morph";
import { usualArithmetic } from "../checker/conversions.js";
import { wrapToKind } from "../checker/kinds.js";
import { Codes } from "../diagnostics/codes.js";
import { locOf } from "../frontend/span.js";
import { imm, type Block } from "../ir/ir.js";
import type { LowerContext } from "./context.js";
import { toKind } from "./convert.js";
import { fail } from "./errors.js";
import { lowerExpr } from "./lower-expr.js";
import { withTarget } from "./lower-loop.js";
import { lowerNested } from "./lower-stmt.js";
import { constantOf } from "./loop-bound.js";

export function lowerSwitch(L: LowerContext, node: ts.SwitchStatement): void {
  const value = lowerExpr(L, node.expression);
  if (value.type.tag !== "int") fail(Codes.OperatorType, node.expression, "switch compares integers", "test pointers with if (p) / if (p === null)");
  const clauses = node.caseBlock.clauses;
  const constants = clauses.map((clause) => {
    if (!ts.isCaseClause(clause)) return undefined;
    const c = constantOf(L, clause.expression);
    if (c === undefined) fail(Codes.CaseNotConstant, clause.expression, "a case label must be a constant", "use an if / else chain to compare with computed values");
    return c;
  });
  const kind = usualArithmetic(value.type.kind, value.type.kind);
  const subject = toKind(L, value, kind, node.expression);
  // The discriminant is read once, into its own register.
  const reg = L.b.newReg(kind, "(switch)");
  L.b.emit({ op: "mov", dst: reg, src: subject });
  const bodies = clauses.map(() => L.b.newBlock());
  const exit = L.b.newBlock();
  const seen = new Map<bigint, ts.Node>();
  clauses.forEach((clause, i) => {
    const c = constants[i];
    if (c === undefined || !ts.isCaseClause(clause)) return;
    const wrapped = wrapToKind(c, kind);
    if (seen.has(wrapped)) fail(Codes.DuplicateCase, clause.expression, `the case ${c} appears twice in this switch`, "the second one could never be reached: merge the two clauses");
    seen.set(wrapped, clause);
    const next = L.b.newBlock();
    L.b.terminate({ op: "cbr", cmp: "eq", kind, a: { tag: "reg", reg }, b: imm(wrapped, kind), then: bodies[i]!, else: next });
    L.b.setBlock(next);
  });
  const defaultIndex = clauses.findIndex((c) => ts.isDefaultClause(c));
  L.b.terminate({ op: "br", target: defaultIndex >= 0 ? bodies[defaultIndex]! : exit });
  withTarget(L, { labels: labelsAbove(node), kind: "switch", breakTo: exit }, () => {
    clauses.forEach((clause, i) => {
      L.b.setBlock(bodies[i]!);
      L.b.loc = locOf(clause);
      for (const statement of clause.statements) lowerNested(L, statement);
      // Fall through into the next clause's body (or leave after the last).
      const after: Block = bodies[i + 1] ?? exit;
      L.b.jumpTo(after);
    });
  });
  L.b.setBlock(exit);
}

function labelsAbove(node: ts.Statement): string[] {
  const labels: string[] = [];
  for (let parent = node.parent; ts.isLabeledStatement(parent); parent = parent.parent) labels.push(parent.label.text);
  return labels;
}
