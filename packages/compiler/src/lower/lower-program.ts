/**
 * One program (a hook-decorated method) to IR functions: its entry function, then every
 * subprogram it calls (transitively), each lowered once.
 */
import { ts } from "ts-morph";
import type { TypeResolver } from "../checker/resolve-type.js";
import { intType, type Type } from "../checker/types.js";
import type { DiagnosticBag } from "../diagnostics/diagnostic.js";
import type { TypeOracle } from "../frontend/oracle.js";
import type { ProbeModel, ProgramModel } from "../frontend/probe-model.js";
import { locOf } from "../frontend/span.js";
import { FunctionBuilder } from "../ir/builder.js";
import { imm, type IrFunction } from "../ir/ir.js";
import type { LowerContext } from "./context.js";
import type { HelperSignature } from "./helper-signature.js";
import { bindArgLocals } from "../core/args.js";
import { contextPointer } from "../core/origin.js";
import { lowerStatements } from "./lower-stmt.js";
import { lowerExpr } from "./lower-expr.js";
import { convertTo } from "./convert.js";
import { CompileError } from "../diagnostics/diagnostic.js";
import type { RodataPool } from "./rodata.js";
import { functionAnchor, SubprogramTable, type Subprogram, type SubprogramNode } from "./subprograms.js";
import { TempPool } from "./temps.js";

export interface ProbeServices {
  oracle: TypeOracle;
  resolver: TypeResolver;
  diagnostics: DiagnosticBag;
  rodata: RodataPool;
  helperSignatures: Map<ts.Declaration, HelperSignature>;
}

export interface LoweredProgram {
  entry: IrFunction;
  subprograms: { sub: Subprogram; fn: IrFunction }[];
}

function context(probe: ProbeModel, program: ProgramModel, services: ProbeServices, b: FunctionBuilder, table: SubprogramTable, returnType: Type | undefined): LowerContext {
  return {
    b,
    oracle: services.oracle,
    resolver: services.resolver,
    probe,
    program,
    locals: new Map(),
    rodata: services.rodata,
    temps: new TempPool(b),
    helperSignatures: services.helperSignatures,
    diagnostics: services.diagnostics,
    jumps: [],
    self: undefined,
    returnType,
    contextReg: undefined,
    subprograms: table,
  };
}

/** Lowers the program's entry and its subprograms; recursion is reported to the diagnostics. */
export function lowerProgramFunctions(probe: ProbeModel, program: ProgramModel, services: ProbeServices): LoweredProgram {
  const table = new SubprogramTable(program.name);
  const entry = lowerEntry(probe, program, services, table);
  const subprograms: { sub: Subprogram; fn: IrFunction }[] = [];
  // Lowering a subprogram may request more: the list grows while it is walked.
  for (let i = 0; i < table.list.length; i++) {
    const sub = table.list[i]!;
    subprograms.push({ sub, fn: lowerSubprogram(probe, program, services, table, sub) });
  }
  for (const error of table.recursion()) services.diagnostics.add(error);
  return { entry, subprograms };
}

/** The entry function alone (tests of the IR). */
export function lowerProgram(probe: ProbeModel, program: ProgramModel, services: ProbeServices): IrFunction {
  return lowerEntry(probe, program, services, new SubprogramTable(program.name));
}

function lowerEntry(probe: ProbeModel, program: ProgramModel, services: ProbeServices, table: SubprogramTable): IrFunction {
  const b = new FunctionBuilder(program.name, locOf(program.node.name));
  const L = context(probe, program, services, b, table, intType(program.returnKind));
  if (program.context) {
    // r1 holds the context pointer at entry; it is a local like any other from here on.
    const ctx = b.newReg("ptr", program.context.name);
    b.emit({ op: "param", dst: ctx, index: 0 });
    L.contextReg = ctx;
    L.locals.set(program.context.node, {
      tag: "reg",
      reg: ctx,
      type: contextPointer(program.context.type, program.section),
      name: program.context.name,
      readonlyPointee: program.context.readonly,
    });
  }
  if (program.args) bindArgLocals(L, program.args);
  finishBody(L, program.node, imm(0n, program.returnKind));
  return b.fn;
}

function lowerSubprogram(probe: ProbeModel, program: ProgramModel, services: ProbeServices, table: SubprogramTable, sub: Subprogram): IrFunction {
  const b = new FunctionBuilder(sub.name, locOf(functionAnchor(sub.node)));
  const L = context(probe, program, services, b, table, sub.returnType);
  L.self = sub.node;
  if (sub.enter) sub.enter(L);
  // Last parameter first: a parameter's home may be r4/r5, which still hold the 4th and 5th arguments.
  else [...sub.params.entries()].reverse().forEach(([index, param]) => {
    const reg = b.newReg(param.byReference || param.type.tag === "ptr" ? "ptr" : param.type.tag === "int" ? param.type.kind : "ptr", param.name);
    b.emit({ op: "param", dst: reg, index });
    if (!param.node) return;
    if (param.context && program.context) {
      // The program's context, received from the caller: the context again for helpers and loads.
      L.contextReg = reg;
      L.contextParam = param.node;
      L.locals.set(param.node, { tag: "reg", reg, type: contextPointer(program.context.type, program.section), name: param.name, readonlyPointee: program.context.readonly });
      return;
    }
    if (param.byReference) L.locals.set(param.node, { tag: "stack", addr: { tag: "reg", base: reg, offset: 0 }, type: param.type, name: param.name });
    else L.locals.set(param.node, { tag: "reg", reg, type: param.type, name: param.name });
  });
  const returns = sub.returnType;
  finishBody(L, sub.node, imm(0n, returns?.tag === "int" ? returns.kind : returns ? "ptr" : "i32"));
  return b.fn;
}

function finishBody(L: LowerContext, node: ts.MethodDeclaration | SubprogramNode, fallback: ReturnType<typeof imm>): void {
  const body = node.body;
  if (body && !ts.isBlock(body)) return returnExpression(L, body, fallback);
  if (body) lowerStatements(L, body.statements, L.diagnostics);
  if (!L.b.terminated) {
    // Falling off the end (tsc reports a missing return where it matters): return 0.
    L.b.loc = locOf(body?.getLastToken() ?? node);
    L.b.terminate({ op: "ret", value: fallback });
  }
}

/**
 * An arrow function's expression body: its value is returned, converted to the return type; a
 * void one (a call of a void function) is run for its effect and the function returns 0.
 */
function returnExpression(L: LowerContext, body: ts.Expression, fallback: ReturnType<typeof imm>): void {
  L.b.loc = locOf(body);
  try {
    const value = lowerExpr(L, body, L.returnType);
    const type = L.returnType;
    L.b.terminate({ op: "ret", value: type && value.type.tag !== "void" ? convertTo(L, value, type, body) : fallback });
  } catch (error) {
    if (!(error instanceof CompileError)) throw error;
    L.diagnostics.add(error);
    L.b.terminate({ op: "ret", value: fallback });
  }
}
