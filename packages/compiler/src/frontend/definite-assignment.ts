/**
 * "Used before being assigned", for the functions tsc checks without control-flow analysis
 * (frontend/narrowing-free.ts cuts their references out of tsc's flow graph, so tsc's TS2454
 * never fires there). A definite-assignment pass over the syntax of one function, as tsc's
 * (and C compilers' -Wuninitialized) works: a `let` declared without an initializer is assigned
 * on a path once an assignment to it ran; a read on a path where it is not is reported, once per
 * variable, at its first such read. Paths join by intersection (an `if` without `else`, `&&`,
 * `||`, `??`, `?:`, loops that may run zero times, `switch` without `default`, `break`s);
 * `return`/`throw` end a path. Functions nested in it (callbacks) are not looked into: tsc does
 * not report reads in closures either.
 */
import { ts } from "ts-morph";

/** A path's assigned candidates; null for no path (after a return). */
type State = ReadonlySet<ts.VariableDeclaration> | null;

function join(a: State, b: State): State {
  if (a === null) return b;
  if (b === null) return a;
  const out = new Set<ts.VariableDeclaration>();
  for (const d of a) if (b.has(d)) out.add(d);
  return out;
}

function add(state: State, decl: ts.VariableDeclaration): State {
  if (state === null || state.has(decl)) return state;
  return new Set([...state, decl]);
}

/** Whether tsc would check the variable: a declared type that does not take undefined. */
function checked(decl: ts.VariableDeclaration): boolean {
  const type = decl.type;
  if (!type) return false;
  const parts = ts.isUnionTypeNode(type) ? type.types : [type];
  return !parts.some((t) => t.kind === ts.SyntaxKind.UndefinedKeyword || t.kind === ts.SyntaxKind.AnyKeyword || t.kind === ts.SyntaxKind.UnknownKeyword ||
    (ts.isLiteralTypeNode(t) && t.literal.kind === ts.SyntaxKind.NullKeyword));
}

const ASSIGNMENTS = new Set([ts.SyntaxKind.EqualsToken]);

export interface UseBeforeAssignment {
  /** The first read on a path where the variable is unassigned. */
  use: ts.Identifier;
  declaration: ts.VariableDeclaration;
}

/** The uses before assignment of the `let`s declared without initializer in `fn`'s own body. */
export function usesBeforeAssignment(fn: ts.FunctionLikeDeclaration, checker: ts.TypeChecker): UseBeforeAssignment[] {
  const candidates = new Set<ts.VariableDeclaration>();
  const names = new Set<string>();
  const collect = (node: ts.Node): void => {
    if (ts.isFunctionLike(node) && node !== fn) return;
    if (ts.isVariableDeclaration(node) && !node.initializer && ts.isIdentifier(node.name) && checked(node) &&
        ts.isVariableDeclarationList(node.parent) && (node.parent.flags & ts.NodeFlags.Let) !== 0 && !ts.isForOfStatement(node.parent.parent) && !ts.isForInStatement(node.parent.parent)) {
      candidates.add(node);
      names.add(node.name.text);
    }
    ts.forEachChild(node, collect);
  };
  if (fn.body) collect(fn.body);
  if (candidates.size === 0) return [];

  const found = new Map<ts.VariableDeclaration, ts.Identifier>();
  const declarationOf = (id: ts.Identifier): ts.VariableDeclaration | undefined => {
    if (!names.has(id.text)) return undefined;
    const decl = checker.getSymbolAtLocation(id)?.valueDeclaration;
    return decl && ts.isVariableDeclaration(decl) && candidates.has(decl) ? decl : undefined;
  };
  const read = (id: ts.Identifier, state: State): void => {
    const decl = declarationOf(id);
    if (decl && state !== null && !state.has(decl) && !found.has(decl)) found.set(decl, id);
  };

  // Where `break` (by label, or the innermost loop/switch) takes a path: states to join there.
  interface Target { label?: string; breakable: boolean; breaks: State[] }
  const targets: Target[] = [];

  const expr = (node: ts.Expression, state: State): State => {
    if (state === null) return null;
    if (ts.isIdentifier(node)) {
      read(node, state);
      return state;
    }
    if (ts.isParenthesizedExpression(node) || ts.isAsExpression(node) || ts.isNonNullExpression(node) || ts.isSatisfiesExpression(node) || ts.isTypeAssertionExpression(node)) return expr(node.expression, state);
    if (ts.isBinaryExpression(node)) {
      const op = node.operatorToken.kind;
      if (ASSIGNMENTS.has(op) && ts.isIdentifier(ts.skipPartiallyEmittedExpressions(node.left))) {
        const after = expr(node.right, state);
        const decl = declarationOf(node.left as ts.Identifier);
        return decl ? add(after, decl) : after;
      }
      if (op === ts.SyntaxKind.AmpersandAmpersandToken || op === ts.SyntaxKind.BarBarToken || op === ts.SyntaxKind.QuestionQuestionToken) {
        const left = expr(node.left, state);
        return join(left, expr(node.right, left));
      }
      if (op === ts.SyntaxKind.AmpersandAmpersandEqualsToken || op === ts.SyntaxKind.BarBarEqualsToken || op === ts.SyntaxKind.QuestionQuestionEqualsToken) {
        const left = expr(node.left, state);
        return join(left, expr(node.right, left));
      }
      return expr(node.right, expr(node.left, state));
    }
    if (ts.isConditionalExpression(node)) {
      const test = cond(node.condition, state);
      return join(expr(node.whenTrue, test.yes), expr(node.whenFalse, test.no));
    }
    if (ts.isFunctionLike(node)) return state; // a callback: not looked into
    let out: State = state;
    ts.forEachChild(node, (child) => {
      if (ts.isExpression(child)) out = expr(child, out);
      else if (ts.isObjectLiteralElementLike(child) || ts.isSpreadAssignment(child)) out = childExpressions(child, out);
    });
    return out;
  };
  // A condition: the states where it is true and where it is false (`a && (x = 1)` assigns x when true).
  const cond = (node: ts.Expression, state: State): { yes: State; no: State } => {
    if (state === null) return { yes: null, no: null };
    if (ts.isParenthesizedExpression(node)) return cond(node.expression, state);
    if (ts.isPrefixUnaryExpression(node) && node.operator === ts.SyntaxKind.ExclamationToken) {
      const inner = cond(node.operand, state);
      return { yes: inner.no, no: inner.yes };
    }
    if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.AmpersandAmpersandToken) {
      const left = cond(node.left, state);
      const right = cond(node.right, left.yes);
      return { yes: right.yes, no: join(left.no, right.no) };
    }
    if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.BarBarToken) {
      const left = cond(node.left, state);
      const right = cond(node.right, left.no);
      return { yes: join(left.yes, right.yes), no: right.no };
    }
    if (node.kind === ts.SyntaxKind.TrueKeyword) return { yes: state, no: null };
    if (node.kind === ts.SyntaxKind.FalseKeyword) return { yes: null, no: state };
    const after = expr(node, state);
    return { yes: after, no: after };
  };
  // An object literal's properties: their initializers in order.
  const childExpressions = (node: ts.Node, state: State): State => {
    let out = state;
    ts.forEachChild(node, (child) => {
      if (ts.isExpression(child) && !(ts.isPropertyAssignment(node) && child === node.name)) out = expr(child, out);
    });
    return out;
  };

  const loop = (label: string | undefined, run: (target: Target) => State): State => {
    const target: Target = { label, breakable: true, breaks: [] };
    targets.push(target);
    const after = run(target);
    targets.pop();
    return target.breaks.reduce<State>((acc, s) => join(acc, s), after);
  };

  const statements = (list: readonly ts.Statement[], state: State): State => {
    let out = state;
    for (const s of list) out = statement(s, out);
    return out;
  };

  const statement = (node: ts.Statement, state: State, label?: string): State => {
    if (state === null) return null; // unreachable code: tsc says so (TS7027) where it checks
    if (ts.isBlock(node)) return statements(node.statements, state);
    if (ts.isVariableStatement(node)) {
      let out: State = state;
      for (const d of node.declarationList.declarations) {
        if (d.initializer) {
          out = expr(d.initializer, out);
          if (candidates.has(d)) out = add(out, d);
        }
      }
      return out;
    }
    if (ts.isExpressionStatement(node)) return expr(node.expression, state);
    if (ts.isIfStatement(node)) {
      const test = cond(node.expression, state);
      return join(statement(node.thenStatement, test.yes), node.elseStatement ? statement(node.elseStatement, test.no) : test.no);
    }
    if (ts.isReturnStatement(node) || ts.isThrowStatement(node)) {
      if (node.expression) expr(node.expression, state);
      return null;
    }
    if (ts.isBreakStatement(node)) {
      const target = node.label ? targets.findLast((t) => t.label === node.label!.text) : targets.findLast((t) => t.breakable);
      target?.breaks.push(state);
      return null;
    }
    if (ts.isContinueStatement(node)) return null;
    if (ts.isLabeledStatement(node)) {
      const inner = node.statement;
      if (ts.isIterationStatement(inner, false)) return statement(inner, state, node.label.text);
      const target: Target = { label: node.label.text, breakable: false, breaks: [] };
      targets.push(target);
      const after = statement(inner, state);
      targets.pop();
      return target.breaks.reduce<State>((acc, s) => join(acc, s), after);
    }
    if (ts.isWhileStatement(node)) {
      return loop(label, () => {
        const test = cond(node.expression, state);
        statement(node.statement, test.yes);
        return test.no;
      });
    }
    if (ts.isDoStatement(node)) {
      return loop(label, () => {
        const body = statement(node.statement, state);
        return body === null ? null : cond(node.expression, body).no;
      });
    }
    if (ts.isForStatement(node)) {
      let init: State = state;
      const initializer = node.initializer;
      if (initializer && ts.isVariableDeclarationList(initializer)) {
        for (const d of initializer.declarations) if (d.initializer) init = expr(d.initializer, init);
      } else if (initializer) init = expr(initializer, init);
      return loop(label, () => {
        const test = node.condition ? cond(node.condition, init) : { yes: init, no: null };
        const body = statement(node.statement, test.yes);
        if (node.incrementor && body !== null) expr(node.incrementor, body);
        return test.no;
      });
    }
    if (ts.isForOfStatement(node) || ts.isForInStatement(node)) {
      const iterated = expr(node.expression, state);
      return loop(label, () => {
        statement(node.statement, iterated);
        return iterated;
      });
    }
    if (ts.isSwitchStatement(node)) {
      const disc = expr(node.expression, state);
      const target: Target = { label, breakable: true, breaks: [] };
      targets.push(target);
      let fall: State = null;
      let hasDefault = false;
      for (const clause of node.caseBlock.clauses) {
        let entry = disc;
        if (ts.isCaseClause(clause)) entry = expr(clause.expression, disc);
        else hasDefault = true;
        fall = statements(clause.statements, join(entry, fall));
      }
      targets.pop();
      let after = target.breaks.reduce<State>((acc, s) => join(acc, s), fall);
      if (!hasDefault) after = join(after, disc);
      return after;
    }
    // Any other statement: its expressions in order.
    let out: State = state;
    ts.forEachChild(node, (child) => {
      if (ts.isExpression(child)) out = expr(child, out);
      else if (ts.isStatement(child)) out = statement(child, out);
    });
    return out;
  };

  if (fn.body && ts.isBlock(fn.body)) statements(fn.body.statements, new Set());
  return [...found].map(([declaration, use]) => ({ use, declaration })).sort((a, b) => a.use.getStart() - b.use.getStart());
}
