/**
 * Finds the probe classes of a file (classes extending the DSL's `Probe`) and reads their
 * structure: maps, global fields, programs with their hooks. Method bodies are lowered later.
 */
import { ts } from "ts-morph";
import { inRange, isIntKind, kindSize, type IntKind } from "../checker/kinds.js";
import { alignUp } from "../checker/layout.js";
import type { TypeResolver } from "../checker/resolve-type.js";
import { Codes } from "../diagnostics/codes.js";
import { CompileError, type DiagnosticBag } from "../diagnostics/diagnostic.js";
import { evaluateConstant } from "./constant.js";
import { bindArgs } from "../core/args.js";
import { hookOf, hooks, hookSection } from "./hooks.js";
import type { TypeOracle } from "./oracle.js";
import type { GlobalModel, ProbeModel, ProgramModel } from "./probe-model.js";
import { eventLossCounters } from "./event-loss-counters.js";
import { spanOf } from "./span.js";
import { readMapField } from "./map-field.js";
import { bindStructOpsPrograms, isStructOpsNew, readStructOps } from "./struct-ops.js";

export interface FrontendContext {
  oracle: TypeOracle;
  resolver: TypeResolver;
  diagnostics: DiagnosticBag;
}

/** The probe classes declared at the top level of a file. */
export function findProbeClasses(sourceFile: ts.SourceFile, ctx: FrontendContext): ts.ClassDeclaration[] {
  const out: ts.ClassDeclaration[] = [];
  for (const statement of sourceFile.statements) {
    if (ts.isClassDeclaration(statement) && extendsProbe(statement, ctx.oracle, new Set())) out.push(statement);
  }
  return out;
}

function extendsProbe(node: ts.ClassDeclaration, oracle: TypeOracle, seen: Set<ts.Node>): boolean {
  if (seen.has(node)) return false;
  seen.add(node);
  for (const clause of node.heritageClauses ?? []) {
    if (clause.token !== ts.SyntaxKind.ExtendsKeyword) continue;
    for (const type of clause.types) {
      const declaration = oracle.declarationOf(type.expression);
      if (!declaration) continue;
      if (oracle.dslNameOf(declaration) === "Probe") return true;
      if (ts.isClassDeclaration(declaration) && extendsProbe(declaration, oracle, seen)) return true;
    }
  }
  return false;
}

/** Reads one probe class; problems go to the diagnostics and leave the member out. */
export function readProbe(node: ts.ClassDeclaration, ctx: FrontendContext): ProbeModel {
  const model: ProbeModel = {
    className: node.name?.text ?? "default",
    node,
    license: "GPL",
    maps: [],
    globals: [],
    programs: [],
  };
  for (const member of node.members) {
    try {
      if (ts.isPropertyDeclaration(member)) readField(member, model, ctx);
      else if (ts.isMethodDeclaration(member)) readMethod(member, model, ctx);
      else if (ts.isConstructorDeclaration(member)) {
        throw new CompileError(Codes.Constructor, spanOf(member.getFirstToken() ?? member), "a probe class has no constructor",
          "initialise maps and globals in their field declarations");
      } else if (ts.isSemicolonClassElement(member)) continue;
      else {
        throw new CompileError(Codes.UnsupportedField, spanOf(member), "this class member is not part of a probe",
          "a probe holds maps, @config and global fields, and methods");
      }
    } catch (error) {
      if (!(error instanceof CompileError)) throw error;
      ctx.diagnostics.add(error);
    }
  }
  model.globals.push(...eventLossCounters(model.maps));
  layoutGlobals(model.globals);
  bindStructOpsPrograms(model, ctx);
  return model;
}

function decoratorsOf(node: ts.HasDecorators): readonly ts.Decorator[] {
  return ts.getDecorators(node) ?? [];
}

/** The DSL name a decorator refers to (`config`, `tracepoint`), or throws for foreign ones. */
function dslDecorator(decorator: ts.Decorator, ctx: FrontendContext): { name: string; args: readonly ts.Expression[] } {
  const expression = decorator.expression;
  const callee = ts.isCallExpression(expression) ? expression.expression : expression;
  const declaration = ctx.oracle.declarationOf(callee);
  const name = declaration && ctx.oracle.dslNameOf(declaration);
  if (!name) {
    throw new CompileError(Codes.UnknownDecorator, spanOf(decorator), `'${decorator.getText()}' is not a tsbpf decorator`,
      "probe members take the decorators of \"tsbpf\" (@tracepoint, @config)");
  }
  return { name, args: ts.isCallExpression(expression) ? expression.arguments : [] };
}

function readField(member: ts.PropertyDeclaration, model: ProbeModel, ctx: FrontendContext): void {
  const name = fieldName(member);
  const isStatic = member.modifiers?.some((m) => m.kind === ts.SyntaxKind.StaticKeyword) ?? false;
  if (isStatic) {
    if (name === "license" && member.initializer && ts.isStringLiteralLike(member.initializer)) {
      if (!/^[\x20-\x7e]+$/.test(member.initializer.text)) {
        throw new CompileError(Codes.License, spanOf(member.initializer), "the license must be a non-empty ASCII string");
      }
      model.license = member.initializer.text;
      return;
    }
    throw new CompileError(Codes.UnsupportedField, spanOf(member.name), "static fields are not part of a probe",
      "the only static field a probe reads is 'static license = \"...\"'");
  }
  const decorators = decoratorsOf(member).map((d) => ({ node: d, ...dslDecorator(d, ctx) }));
  const isConfig = decorators.some((d) => d.name === "config");
  for (const d of decorators) {
    if (d.name !== "config") {
      throw new CompileError(Codes.UnknownDecorator, spanOf(d.node), `@${d.name} does not apply to fields`, "fields take @config");
    }
  }
  const init = member.initializer;
  if (!isConfig && init && ts.isNewExpression(init)) {
    if (isStructOpsNew(init, ctx)) (model.structOps ??= {})[name] = readStructOps(name, init, ctx);
    else model.maps.push(readMapField(member, name, init, ctx));
    return;
  }
  model.globals.push(readGlobal(member, name, isConfig, ctx));
}

function fieldName(member: ts.PropertyDeclaration | ts.MethodDeclaration): string {
  if (ts.isIdentifier(member.name)) return member.name.text;
  throw new CompileError(Codes.UnsupportedField, spanOf(member.name), "probe members need plain identifier names");
}

function readGlobal(member: ts.PropertyDeclaration, name: string, isConfig: boolean, ctx: FrontendContext): GlobalModel {
  let kind: IntKind | undefined;
  if (member.type) {
    const type = ctx.resolver.resolve(member.type);
    if (type.tag !== "int") {
      throw new CompileError(isConfig ? Codes.ConfigField : Codes.GlobalField, spanOf(member.type),
        `${isConfig ? "a @config" : "a global"} field must have an integer kind, not '${member.type.getText()}'`);
    }
    kind = type.kind;
  } else if (member.initializer && isBooleanLiteral(member.initializer)) {
    kind = "bool";
  }
  if (!kind) {
    throw new CompileError(Codes.NoIntegerKind, spanOf(member.name), `the field '${name}' needs an integer kind`,
      `declare it, e.g. '${name}: u32 = 0' (maps are initialised with 'new HashMap<K, V>(...)')`);
  }
  let init = 0n;
  if (member.initializer) {
    const value = evaluateConstant(member.initializer);
    if (value === undefined) {
      throw new CompileError(isConfig ? Codes.ConfigField : Codes.GlobalField, spanOf(member.initializer),
        `the initialiser of '${name}' must be a constant integer expression`);
    }
    if (!inRange(value, kind)) {
      throw new CompileError(Codes.LiteralOutOfRange, spanOf(member.initializer), `${value} is out of range for ${kind}`);
    }
    init = value;
  }
  const section = isConfig ? ".rodata" : init === 0n ? ".bss" : ".data";
  return { name, node: member, section, kind, init, offset: 0 };
}

function isBooleanLiteral(node: ts.Expression): boolean {
  return node.kind === ts.SyntaxKind.TrueKeyword || node.kind === ts.SyntaxKind.FalseKeyword;
}

/** Natural alignment, declaration order, per section. */
function layoutGlobals(globals: GlobalModel[]): void {
  const ends = new Map<string, number>();
  for (const global of globals) {
    const size = kindSize(global.kind);
    const offset = alignUp(ends.get(global.section) ?? 0, size);
    global.offset = offset;
    ends.set(global.section, offset + size);
  }
}

function readMethod(member: ts.MethodDeclaration, model: ProbeModel, ctx: FrontendContext): void {
  const decorators = decoratorsOf(member).map((d) => ({ node: d, ...dslDecorator(d, ctx) }));
  if (decorators.length === 0) return; // an undecorated method: a subprogram, lowered if a program calls it
  if (decorators.length > 1) {
    throw new CompileError(Codes.UnknownDecorator, spanOf(decorators[1]!.node), "a program has exactly one hook decorator");
  }
  const { node: decorator, name: decoratorName, args } = decorators[0]!;
  if (decoratorName === "globalFunction") {
    (model.globalFunctions ??= new Set()).add(member);
    return; // a subprogram still, lowered if a program calls it, with global linkage
  }
  const hook = hookOf(decoratorName);
  if (!hook) {
    throw new CompileError(Codes.UnknownDecorator, spanOf(decorator), `@${decoratorName} does not apply to methods`,
      `programs take a hook decorator: ${hooks.map((h) => `@${h.decorator}`).join(", ")}`);
  }
  const section = hookSection(hook, args, decorator);
  const name = fieldName(member);
  if (member.asteriskToken) throw new CompileError(Codes.Generator, spanOf(member.name), "a program cannot be a generator");
  if (member.modifiers?.some((m) => m.kind === ts.SyntaxKind.AsyncKeyword)) {
    throw new CompileError(Codes.Async, spanOf(member.name), "a program cannot be async", "BPF programs run to completion: remove async");
  }
  if (member.modifiers?.some((m) => m.kind === ts.SyntaxKind.StaticKeyword)) {
    throw new CompileError(Codes.ProgramSignature, spanOf(member.name), "a program must be an instance method");
  }
  if (!member.body) throw new CompileError(Codes.ProgramSignature, spanOf(member.name), "a program needs a body");
  const program: ProgramModel = {
    name,
    node: member,
    section,
    context: undefined,
    returnKind: "i32",
  };
  if (hook.args) {
    bindArgs(ctx, program, hook, member, decorator);
  } else if (member.parameters.length > 1) {
    throw new CompileError(Codes.ProgramSignature, spanOf(member.parameters[1]!), `a @${hook.decorator} program takes one parameter: its context`,
      hook.context.hint);
  }
  const param = hook.args ? undefined : member.parameters[0];
  if (param) {
    if (!ts.isIdentifier(param.name) || !param.type || param.dotDotDotToken || param.initializer || param.questionToken) {
      throw new CompileError(Codes.ProgramSignature, spanOf(param), "the context parameter must be a plain 'ctx: ContextType'");
    }
    const type = ctx.resolver.resolve(param.type);
    if (type.tag !== "struct") {
      throw new CompileError(Codes.ProgramSignature, spanOf(param.type), `the context must be a struct type, not '${param.type.getText()}'`,
        hook.context.hint);
    }
    program.context = { name: param.name.text, node: param, type, readonly: hook.context.readonly };
  } else if (hook.context.required && !hook.args) {
    throw new CompileError(Codes.ProgramSignature, spanOf(member.name), `a @${hook.decorator} program takes its context as parameter`, hook.context.hint);
  }
  if (member.type) {
    const type = ctx.resolver.resolve(member.type);
    if (type.tag !== "int" || !isIntKind(type.kind)) {
      throw new CompileError(Codes.ProgramReturnType, spanOf(member.type), "a program returns an integer kind", "declare ': i32' and return 0");
    }
    program.returnKind = type.kind;
  }
  model.programs.push(program);
}
