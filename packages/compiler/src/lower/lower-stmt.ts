/**
 * Statements: declarations of locals (registers for scalars and pointers, stack memory for structs
 * and arrays), expression statements, if/else, return, blocks. A statement that cannot be compiled
 * is reported and skipped, so that one compilation reports every independent problem.
 */
import { ts } from "ts-morph";
import { alignOf, sizeOf } from "../checker/layout.js";
import { typeName, type Type } from "../checker/types.js";
import { Codes } from "../diagnostics/codes.js";
import { CompileError, type DiagnosticBag } from "../diagnostics/diagnostic.js";
import { locOf } from "../frontend/span.js";
import { imm, type Address } from "../ir/ir.js";
import type { LowerContext } from "./context.js";
import { convertTo } from "./convert.js";
import { fail } from "./errors.js";
import { lowerAggregateInto } from "./lower-aggregate.js";
import { lowerCond } from "./lower-cond.js";
import { lowerExpr } from "./lower-expr.js";
import { isPlaceExpression, lowerPlace, readPlace } from "./lower-place.js";
import { unsupportedStatement } from "./unsupported.js";
import { localPointerType } from "../core/origin.js";
import { lowerBreakContinue, lowerDo, lowerFor, lowerForOf, lowerLabeled, lowerWhile } from "./lower-loop.js";
import { lowerSwitch } from "./lower-switch.js";
import type { Local, Place, RValue } from "./values.js";

export function lowerStatements(L: LowerContext, statements: readonly ts.Statement[], diagnostics: DiagnosticBag): void {
  for (const statement of statements) lowerStatementSafely(L, statement, diagnostics);
}

/** A statement nested in a compound one (loop body, switch clause). */
export function lowerNested(L: LowerContext, statement: ts.Statement): void {
  lowerStatementSafely(L, statement, L.diagnostics);
}

function lowerStatementSafely(L: LowerContext, statement: ts.Statement, diagnostics: DiagnosticBag): void {
  try {
    lowerStatement(L, statement, diagnostics);
  } catch (error) {
    if (!(error instanceof CompileError)) throw error;
    diagnostics.add(error);
  }
}

function lowerStatement(L: LowerContext, statement: ts.Statement, diagnostics: DiagnosticBag): void {
  L.b.loc = locOf(statement);
  switch (statement.kind) {
    case ts.SyntaxKind.Block:
      return lowerStatements(L, (statement as ts.Block).statements, diagnostics);
    case ts.SyntaxKind.EmptyStatement:
      return;
    case ts.SyntaxKind.VariableStatement:
      return lowerVariableList(L, (statement as ts.VariableStatement).declarationList);
    case ts.SyntaxKind.ExpressionStatement: {
      const expression = (statement as ts.ExpressionStatement).expression;
      if (ts.isStringLiteral(expression)) return; // a directive prologue ("use strict")
      lowerExpr(L, expression);
      return;
    }
    case ts.SyntaxKind.IfStatement:
      return lowerIf(L, statement as ts.IfStatement, diagnostics);
    case ts.SyntaxKind.ReturnStatement:
      return lowerReturn(L, statement as ts.ReturnStatement);
    case ts.SyntaxKind.WhileStatement:
      return lowerWhile(L, statement as ts.WhileStatement);
    case ts.SyntaxKind.DoStatement:
      return lowerDo(L, statement as ts.DoStatement);
    case ts.SyntaxKind.ForStatement:
      return lowerFor(L, statement as ts.ForStatement);
    case ts.SyntaxKind.ForOfStatement:
      return lowerForOf(L, statement as ts.ForOfStatement);
    case ts.SyntaxKind.SwitchStatement:
      return lowerSwitch(L, statement as ts.SwitchStatement);
    case ts.SyntaxKind.BreakStatement:
    case ts.SyntaxKind.ContinueStatement:
      return lowerBreakContinue(L, statement as ts.BreakStatement | ts.ContinueStatement);
    case ts.SyntaxKind.LabeledStatement:
      return lowerLabeled(L, statement as ts.LabeledStatement);
    default:
      return unsupportedStatement(statement);
  }
}

function lowerIf(L: LowerContext, node: ts.IfStatement, diagnostics: DiagnosticBag): void {
  const whenTrue = L.b.newBlock();
  const join = L.b.newBlock();
  const whenFalse = node.elseStatement ? L.b.newBlock() : join;
  lowerCond(L, node.expression, whenTrue, whenFalse);
  L.b.setBlock(whenTrue);
  lowerStatementSafely(L, node.thenStatement, diagnostics);
  L.b.jumpTo(join);
  if (node.elseStatement) {
    L.b.setBlock(whenFalse);
    lowerStatementSafely(L, node.elseStatement, diagnostics);
    L.b.jumpTo(join);
  }
  L.b.setBlock(join);
}

function lowerReturn(L: LowerContext, node: ts.ReturnStatement): void {
  const type = L.returnType;
  if (!type) {
    if (node.expression) fail(Codes.NotAssignable, node.expression, "this function returns nothing (void)");
    return L.b.terminate({ op: "ret", value: imm(0n, "i32") });
  }
  // An arrow function is a helper's callback (lower/callbacks.ts): `return;` goes on, as 0 does.
  if (!node.expression && L.self && ts.isArrowFunction(L.self)) return L.b.terminate({ op: "ret", value: imm(0n, "i64") });
  if (!node.expression) {
    return fail(Codes.MissingReturn, node, `this function returns a ${typeName(type)}`, "write 'return 0;'");
  }
  const value = convertTo(L, lowerExpr(L, node.expression, type), type, node.expression);
  L.b.terminate({ op: "ret", value });
}

export function lowerVariableList(L: LowerContext, list: ts.VariableDeclarationList): void {
  const scoping = list.flags & ts.NodeFlags.BlockScoped;
  if (scoping === ts.NodeFlags.Using || scoping === ts.NodeFlags.AwaitUsing) {
    fail(Codes.UnsupportedStatement, list, "'using' declarations are not supported");
  }
  if (scoping !== ts.NodeFlags.Const && scoping !== ts.NodeFlags.Let) fail(Codes.Var, list, "'var' is not supported", "use const or let");
  for (const declaration of list.declarations) lowerVariable(L, declaration);
}

/** The place `node` denotes, or undefined when it is no place (lowerExpr says what it is). */
function placeOf(L: LowerContext, node: ts.Expression): Place | undefined {
  try {
    return lowerPlace(L, node);
  } catch (error) {
    if (error instanceof CompileError) return undefined;
    throw error;
  }
}

function lowerVariable(L: LowerContext, node: ts.VariableDeclaration): void {
  if (!ts.isIdentifier(node.name)) {
    fail(Codes.Destructuring, node.name, "destructuring declarations are not supported yet", "read each member into its own local");
  }
  const name = node.name.text;
  const declared = node.type ? L.resolver.resolve(node.type) : undefined;
  const init = node.initializer;
  const aggregate = (type: Type): boolean => type.tag === "struct" || type.tag === "array";
  let type = declared;
  let read: RValue | undefined;
  if (!type && init && isPlaceExpression(init)) {
    // `const copy = event`: a struct-typed initialiser makes a struct local. Any other place is
    // read here, once (lowering it again would repeat its reads: a kernel pointer chain's
    // bpf_probe_read_kernel calls). A constant (module const, enum member, `a.length`) is no place.
    const place = placeOf(L, init);
    if (place && aggregate(place.type)) type = place.type;
    else if (place) read = readPlace(L, place, init);
  }
  if (type && aggregate(type)) {
    const object = L.b.stackObject(sizeOf(type), Math.max(alignOf(type), 8), `${name} (${typeName(type)}, ${sizeOf(type)} bytes)`);
    const addr: Address = { tag: "stack", object, offset: 0 };
    if (init) lowerAggregateInto(L, init, type, addr);
    else L.b.emit({ op: "zero", dst: addr, size: sizeOf(type) });
    L.locals.set(node, { tag: "stack", addr, type, name });
    return;
  }
  const value = read ?? (init ? lowerExpr(L, init, type) : undefined);
  if (!type) {
    if (!value) return fail(Codes.NoIntegerKind, node.name, `'${name}' needs a type or an initialiser`);
    if (value.isNull) fail(Codes.UnsupportedType, node.name, `'${name}' needs a declared pointer type to hold null`, `declare it as Ptr<T> | null`);
    type = value.type;
  }
  if (type.tag !== "int" && type.tag !== "ptr") return fail(Codes.UnsupportedType, node, `a local cannot hold a ${typeName(type)}`);
  type = localPointerType(type, value, (node.parent.flags & ts.NodeFlags.Const) !== 0);
  const reg = L.b.newReg(type.tag === "int" ? type.kind : "ptr", name);
  const op = value ? convertTo(L, value, type, init!) : imm(0n, type.tag === "int" ? type.kind : "ptr");
  L.b.emit({ op: "mov", dst: reg, src: op });
  const local: Local = { tag: "reg", reg, type, name };
  L.locals.set(node, local);
}
