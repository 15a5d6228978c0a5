/**
 * Proves that a loop ends within a number of iterations the verifier can walk through. The
 * verifier on 5.3+ accepts bounded loops by exploring every iteration, so the compiler emits them
 * as real loops, but only when it can see the bound itself: the condition compares an integer
 * `let` (the counter) with a constant, every write to the counter moves it towards the constant by
 * a constant step, and one of those writes runs on every iteration (the `for` incrementor, or a
 * statement at the top level of the body). Anything else is a diagnostic that says so, with
 * `bpf.loop` as the way out.
 */
import { ts } from "ts-morph";
import { kindMax, kindMin, type IntKind } from "../checker/kinds.js";
import { Codes } from "../diagnostics/codes.js";
import { evaluateConstant } from "../frontend/constant.js";
import type { LowerContext } from "./context.js";
import { fail } from "./errors.js";
import { typedConstantOf } from "./typed-constant.js";

/** More iterations than this would make the verifier walk too many instructions. */
export const MAX_LOOP_ITERATIONS = 8192;

export interface LoopShape {
  node: ts.IterationStatement;
  condition: ts.Expression | undefined;
  body: ts.Statement;
  incrementor?: ts.Expression | undefined;
  /** `for (let i = 0; ...)`: the declarations of the loop header. */
  initializer?: ts.ForInitializer | undefined;
}

const UNBOUNDED_HINT =
  "write the loop as for (let i = 0; i < N; i++) with a constant N, or use bpf.loop(n, callback) for counts the verifier cannot see";

type Cmp = "lt" | "le" | "gt" | "ge" | "ne";

/** Loops whose counter's start value the compiler could not see (for the message). */
const unknownStart = new WeakSet<ts.Node>();

const CMP: Partial<Record<ts.SyntaxKind, Cmp>> = {
  [ts.SyntaxKind.LessThanToken]: "lt",
  [ts.SyntaxKind.LessThanEqualsToken]: "le",
  [ts.SyntaxKind.GreaterThanToken]: "gt",
  [ts.SyntaxKind.GreaterThanEqualsToken]: "ge",
  [ts.SyntaxKind.ExclamationEqualsEqualsToken]: "ne",
  [ts.SyntaxKind.ExclamationEqualsToken]: "ne",
};
const MIRROR: Record<Cmp, Cmp> = { lt: "gt", gt: "lt", le: "ge", ge: "le", ne: "ne" };

/** Throws the unbounded-loop diagnostic unless the loop's bound is provable; returns the bound. */
export function proveLoopBound(L: LowerContext, loop: LoopShape): number {
  const at = loop.node.getFirstToken() ?? loop.node;
  if (!loop.condition) fail(Codes.UnboundedLoop, at, "this loop has no condition, so the verifier cannot prove that it ends", UNBOUNDED_HINT);
  let best: number | undefined;
  let reason = "its condition does not compare a counter with a constant";
  for (const conjunct of conjuncts(loop.condition)) {
    const result = boundOf(L, loop, conjunct);
    if (typeof result === "number") best = best === undefined ? result : Math.min(best, result);
    else if (result) reason = result.reason;
  }
  if (best === undefined) fail(Codes.UnboundedLoop, at, `the verifier cannot prove that this loop ends: ${reason}`, UNBOUNDED_HINT);
  if (best > MAX_LOOP_ITERATIONS) {
    const why = unknownStart.has(loop.node) ? " (the counter's start is not a constant, so its kind bounds it)" : "";
    fail(Codes.LoopTooLong, at, `this loop may run ${best} times${why}; the verifier walks every iteration and accepts at most about ${MAX_LOOP_ITERATIONS}`,
      "use bpf.loop(n, callback), which runs the callback n times without the verifier unrolling it");
  }
  return best;
}

function conjuncts(node: ts.Expression): ts.Expression[] {
  if (ts.isParenthesizedExpression(node)) return conjuncts(node.expression);
  if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.AmpersandAmpersandToken) {
    return [...conjuncts(node.left), ...conjuncts(node.right)];
  }
  return [node];
}

/**
 * A compile-time integer: literals, module and local constants, enum members, fixed array lengths.
 * Its value is C's (typed-constant.ts) wherever C's conversions apply; mathematical only where
 * those rules do not reach (a shift count past the width).
 */
export function constantOf(L: LowerContext, node: ts.Expression, depth = 0): bigint | undefined {
  if (depth > 8) return undefined;
  const typed = typedConstantOf(L, node, depth);
  if (typed) return typed.value;
  const direct = evaluateConstant(node, (leaf) => (leaf === node ? undefined : constantOf(L, leaf, depth + 1)));
  if (direct !== undefined) return direct;
  if (ts.isIdentifier(node)) {
    const declaration = L.oracle.declarationOf(node);
    if (declaration && ts.isVariableDeclaration(declaration) && declaration.initializer
      && ts.isVariableDeclarationList(declaration.parent) && declaration.parent.flags & ts.NodeFlags.Const) {
      return constantOf(L, declaration.initializer, depth + 1);
    }
    return undefined;
  }
  if (ts.isPropertyAccessExpression(node)) {
    const declaration = L.oracle.declarationOf(node.name);
    if (declaration && ts.isEnumMember(declaration)) return enumValue(L, declaration);
    if (node.name.text === "length") {
      const type = L.oracle.typeText(node.expression);
      const match = /(?:FixedArray<.*,\s*(\d+)>|CharArray<(\d+)>)$/.exec(type);
      if (match) return BigInt(match[1] ?? match[2]!);
    }
  }
  return undefined;
}

/** The value of an enum member: its initialiser, or one more than the previous member (from 0). */
export function enumValue(L: LowerContext, member: ts.EnumMember): bigint | undefined {
  const members = member.parent.members;
  let next = 0n;
  for (const m of members) {
    let value: bigint | undefined = next;
    if (m.initializer) value = constantOf(L, m.initializer);
    if (value === undefined) return undefined;
    if (m === member) return value;
    next = value + 1n;
  }
  return undefined;
}

interface Counter {
  declaration: ts.VariableDeclaration;
  kind: IntKind;
}

function counterOf(L: LowerContext, node: ts.Expression): Counter | undefined {
  if (ts.isParenthesizedExpression(node)) return counterOf(L, node.expression);
  if (!ts.isIdentifier(node)) return undefined;
  const declaration = L.oracle.declarationOf(node);
  if (!declaration || !ts.isVariableDeclaration(declaration)) return undefined;
  const local = L.locals.get(declaration);
  if (local?.tag === "reg" && local.type.tag === "int") return { declaration, kind: local.type.kind };
  return undefined;
}

function boundOf(L: LowerContext, loop: LoopShape, condition: ts.Expression): number | { reason: string } | undefined {
  if (ts.isParenthesizedExpression(condition)) return boundOf(L, loop, condition.expression);
  if (!ts.isBinaryExpression(condition)) return undefined;
  let cmp = CMP[condition.operatorToken.kind];
  if (!cmp) return undefined;
  let counter = counterOf(L, condition.left);
  let limit = constantOf(L, condition.right);
  if (!counter || limit === undefined) {
    counter = counterOf(L, condition.right);
    limit = constantOf(L, condition.left);
    cmp = MIRROR[cmp];
  }
  if (!counter || limit === undefined) return undefined;
  const steps = stepsOf(L, loop, counter.declaration);
  if ("reason" in steps) return steps;
  const { step, everyIteration } = steps;
  if (!everyIteration) return { reason: `'${counter.declaration.name.getText()}' is not updated on every iteration` };
  const increasing = step > 0n;
  if ((cmp === "lt" || cmp === "le") && !increasing) return { reason: `'${counter.declaration.name.getText()}' moves away from its limit` };
  if ((cmp === "gt" || cmp === "ge") && increasing) return { reason: `'${counter.declaration.name.getText()}' moves away from its limit` };
  const { kind } = counter;
  const start = startOf(L, loop, counter.declaration);
  const magnitude = increasing ? step : -step;
  // The proof counts in the counter's kind: a limit it cannot hold (`u8 < 300`, `u32 < -1`, which
  // C converts to 2^32 - 1), or a step that can carry it past its last value and around (`u8 += 200`),
  // is a loop whose end the counting does not show.
  if (limit < kindMin(kind) || limit > kindMax(kind) || (start !== undefined && (start < kindMin(kind) || start > kindMax(kind)))) {
    return { reason: `its limit ${limit} is outside the range of ${kind}, the counter's kind` };
  }
  if (cmp === "ne") {
    if (magnitude !== 1n || start === undefined) return { reason: `a '!==' condition needs a constant start and a step of 1` };
    const distance = increasing ? limit - start : start - limit;
    if (distance < 0n) return { reason: `'${counter.declaration.name.getText()}' starts past its limit` };
    return Number(distance);
  }
  // The counter would wrap around before failing the condition: C's loop never ends either.
  if ((cmp === "le" && limit >= kindMax(kind)) || (cmp === "ge" && limit <= kindMin(kind))) {
    return { reason: `the condition holds for every value of ${kind}` };
  }
  // The last value for which the condition holds: from a known start, the last one the steps reach.
  let last = cmp === "lt" ? limit - 1n : cmp === "gt" ? limit + 1n : limit;
  if (start !== undefined && (increasing ? start <= last : start >= last)) {
    last = increasing ? start + ((last - start) / magnitude) * magnitude : start - ((start - last) / magnitude) * magnitude;
  }
  if ((increasing ? last + magnitude > kindMax(kind) : last - magnitude < kindMin(kind))) {
    return { reason: `a step of ${magnitude} can carry '${counter.declaration.name.getText()}' past the end of ${kind} and around` };
  }
  if (start === undefined) unknownStart.add(loop.node);
  const from = start ?? (increasing ? kindMin(kind) : kindMax(kind));
  const span = increasing ? limit - from + (cmp === "le" ? 1n : 0n) : from - limit + (cmp === "ge" ? 1n : 0n);
  if (span <= 0n) return 0;
  const count = (span + magnitude - 1n) / magnitude;
  return count > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(count);
}

/** The counter's value when the loop starts, when the compiler can see it. */
function startOf(L: LowerContext, loop: LoopShape, declaration: ts.VariableDeclaration): bigint | undefined {
  if (!declaration.initializer) return undefined;
  const list = declaration.parent;
  const inHeader = loop.initializer !== undefined && list === loop.initializer;
  const statement = list.parent;
  const justBefore = ts.isVariableStatement(statement) && precedes(statement, loop.node);
  if (!inHeader && !justBefore) return undefined;
  return constantOf(L, declaration.initializer);
}

/** Whether `statement` is the sibling right before `loop` (a label in between is fine). */
function precedes(statement: ts.Statement, loop: ts.Node): boolean {
  let node: ts.Node = loop;
  while (ts.isLabeledStatement(node.parent)) node = node.parent;
  const parent = node.parent;
  const list = ts.isBlock(parent) || ts.isSourceFile(parent) ? parent.statements : ts.isCaseClause(parent) || ts.isDefaultClause(parent) ? parent.statements : undefined;
  if (!list) return false;
  const index = list.indexOf(node as ts.Statement);
  return index > 0 && list[index - 1] === statement;
}

/**
 * The counter's writes in the loop: all must add (or all subtract) a constant, and one must run on
 * every iteration.
 */
function stepsOf(L: LowerContext, loop: LoopShape, declaration: ts.VariableDeclaration): { step: bigint; everyIteration: boolean } | { reason: string } {
  const name = declaration.name.getText();
  let step: bigint | undefined;
  let bad: string | undefined;
  const isCounter = (node: ts.Expression): boolean => {
    while (ts.isParenthesizedExpression(node)) node = node.expression;
    return ts.isIdentifier(node) && L.oracle.declarationOf(node) === declaration;
  };
  const stepOfWrite = (node: ts.Node): bigint | null | undefined => {
    if ((ts.isPrefixUnaryExpression(node) || ts.isPostfixUnaryExpression(node)) && isCounter(node.operand)) {
      if (node.operator === ts.SyntaxKind.PlusPlusToken) return 1n;
      if (node.operator === ts.SyntaxKind.MinusMinusToken) return -1n;
      return undefined;
    }
    if (ts.isBinaryExpression(node) && isCounter(node.left)) {
      const op = node.operatorToken.kind;
      if (op === ts.SyntaxKind.PlusEqualsToken || op === ts.SyntaxKind.MinusEqualsToken) {
        const value = constantOf(L, node.right);
        if (value === undefined || value === 0n) return null;
        return op === ts.SyntaxKind.PlusEqualsToken ? value : -value;
      }
      if (op >= ts.SyntaxKind.FirstAssignment && op <= ts.SyntaxKind.LastAssignment) return null;
    }
    return undefined;
  };
  const visit = (node: ts.Node): void => {
    const s = stepOfWrite(node);
    if (s === null) bad = `'${name}' is assigned something other than a constant step`;
    else if (s !== undefined) {
      if (step !== undefined && step > 0n !== s > 0n) bad = `'${name}' is both increased and decreased`;
      step = step === undefined ? s : (step > 0n ? (s < step ? s : step) : (s > step ? s : step));
    }
    ts.forEachChild(node, visit);
  };
  visit(loop.body);
  if (loop.incrementor) visit(loop.incrementor);
  if (bad) return { reason: bad };
  if (step === undefined) return { reason: `'${name}' does not change in the loop` };
  const updates = (node: ts.Node | undefined): boolean => node !== undefined && stepOfWrite(ts.isExpressionStatement(node) ? node.expression : node) !== undefined;
  let everyIteration = updates(loop.incrementor);
  if (!everyIteration) {
    const top = ts.isBlock(loop.body) ? loop.body.statements : [loop.body];
    // An update at the top of the body runs on every iteration unless a `continue` before it skips it.
    for (const statement of top) {
      if (updates(statement)) {
        everyIteration = true;
        break;
      }
      if (hasContinue(statement)) break;
    }
  }
  return { step, everyIteration };
}

function hasContinue(node: ts.Node): boolean {
  let found = false;
  const visit = (n: ts.Node): void => {
    if (found) return;
    if (ts.isContinueStatement(n)) found = true;
    else if (!ts.isFunctionLike(n)) ts.forEachChild(n, visit);
  };
  visit(node);
  return found;
}
