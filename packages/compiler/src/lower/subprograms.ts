/**
 * BPF-to-BPF subprograms: undecorated methods of the probe and functions declared at the top level
 * of the probe's file, called from a program. Each called function is lowered once per program
 * and appended to it (the linked form the kernel loads). Arguments go in r1–r5, so at most five;
 * integers and pointers pass by value, structs by reference (as JavaScript passes objects: the
 * callee sees and may change the caller's struct). Recursion, direct or not, is a diagnostic: the
 * verifier rejects call cycles.
 */
import { ts } from "ts-morph";
import { typeName, type Type } from "../checker/types.js";
import { Codes } from "../diagnostics/codes.js";
import { CompileError } from "../diagnostics/diagnostic.js";
import { spanOf } from "../frontend/span.js";
import type { Operand } from "../ir/ir.js";
import type { LowerContext } from "./context.js";
import { convertTo } from "./convert.js";
import { fail } from "./errors.js";
import { wholeAddress } from "./indexed.js";
import { lowerExpr } from "./lower-expr.js";
import { addressOperand, isPlaceExpression, lowerPlace } from "./lower-place.js";
import type { RValue } from "./values.js";
import { isContextArgument } from "./context-argument.js";

export type FunctionNode = ts.MethodDeclaration | ts.FunctionDeclaration;
/** What a subprogram is compiled from: a called function, or an arrow function passed as a helper's callback. */
export type SubprogramNode = FunctionNode | ts.ArrowFunction;

/** A subprogram's source name, for symbols and messages. */
export function functionName(node: SubprogramNode, fallback = "function"): string {
  return ts.isArrowFunction(node) ? fallback : node.name?.getText() ?? fallback;
}

/** Where a subprogram is reported: its name, or an arrow function itself. */
export function functionAnchor(node: SubprogramNode): ts.Node {
  return ts.isArrowFunction(node) ? node : node.name ?? node;
}

export interface SubprogramParam {
  name: string;
  /** Undefined for a callback's kernel-side parameter that no source parameter names. */
  node?: ts.ParameterDeclaration;
  type: Type;
  /** Structs are passed as their address. */
  byReference: boolean;
  /** The program's context (a parameter typed as the program's context struct): passed as the context pointer itself. */
  context?: true;
}

export interface Subprogram {
  /** The symbol name in the object. */
  name: string;
  node: SubprogramNode;
  /** The parameters in r1–r5 (what its BTF prototype declares). */
  params: SubprogramParam[];
  /** undefined for `void`. */
  returnType: Type | undefined;
  /**
   * Binds the locals a callback sees at entry (lower/callbacks.ts), when the kernel's arguments
   * are not its source parameters one for one; otherwise each parameter is a local.
   */
  enter?: (L: LowerContext) => void;
}

interface CallEdge {
  from: SubprogramNode | undefined;
  to: SubprogramNode;
  at: ts.Node;
}

/** The subprograms one program calls, in the order they were first called. */
export class SubprogramTable {
  readonly list: Subprogram[] = [];
  private readonly byNode = new Map<SubprogramNode, Subprogram>();
  private readonly edges: CallEdge[] = [];
  private readonly names = new Set<string>();

  constructor(entryName: string) {
    this.names.add(entryName);
  }

  request(L: LowerContext, node: FunctionNode, at: ts.Node): Subprogram {
    this.edges.push({ from: L.self, to: node, at });
    const known = this.byNode.get(node);
    if (known) return known;
    return this.add(node, signatureOf(L, node, at));
  }

  /**
   * A callback compiled from `node` with the signature `make` gives it (lower/callbacks.ts), once
   * per node: an arrow function is passed at one call only.
   */
  requestCallback(L: LowerContext, node: SubprogramNode, at: ts.Node, make: () => Subprogram): Subprogram {
    this.edges.push({ from: L.self, to: node, at });
    return this.byNode.get(node) ?? this.add(node, make());
  }

  private add(node: SubprogramNode, sub: Subprogram): Subprogram {
    let name = sub.name;
    for (let i = 2; this.names.has(name); i++) name = `${sub.name}_${i}`;
    sub.name = name;
    this.names.add(name);
    this.byNode.set(node, sub);
    this.list.push(sub);
    return sub;
  }

  /** Call cycles, each reported at a call that closes one. */
  recursion(): CompileError[] {
    const errors: CompileError[] = [];
    const callees = new Map<SubprogramNode | undefined, SubprogramNode[]>();
    for (const e of this.edges) callees.set(e.from, [...(callees.get(e.from) ?? []), e.to]);
    const reaches = (from: SubprogramNode, to: SubprogramNode): boolean => {
      const seen = new Set<SubprogramNode>();
      const work = [from];
      while (work.length > 0) {
        const f = work.pop()!;
        if (f === to) return true;
        if (seen.has(f)) continue;
        seen.add(f);
        work.push(...(callees.get(f) ?? []));
      }
      return false;
    };
    const reported = new Set<SubprogramNode>();
    for (const e of this.edges) {
      if (!e.from || reported.has(e.to) || reported.has(e.from) || !reaches(e.to, e.from)) continue;
      reported.add(e.to);
      reported.add(e.from);
      const name = functionName(e.to);
      errors.push(new CompileError(Codes.Recursion, spanOf(e.at), `'${name}' is called recursively; BPF programs cannot recurse`,
        "the verifier rejects call cycles: rewrite the recursion as a bounded loop"));
    }
    return errors;
  }
}

function signatureOf(L: LowerContext, node: FunctionNode, at: ts.Node): Subprogram {
  const name = node.name?.getText() ?? "function";
  if (node.asteriskToken) fail(Codes.Generator, at, `'${name}' is a generator, which BPF programs cannot run`, "return one value; loop in the caller");
  if (node.modifiers?.some((m) => m.kind === ts.SyntaxKind.AsyncKeyword)) fail(Codes.Async, at, `'${name}' is async; BPF programs run to completion`, "remove async and return the value itself");
  if (!node.body) fail(Codes.CallToNonDsl, at, `'${name}' has no body to compile`);
  if (node.parameters.length > 5) {
    fail(Codes.SubprogramArguments, at, `'${name}' takes ${node.parameters.length} parameters; a BPF subprogram takes at most 5 (r1–r5)`,
      "group parameters in a struct and pass that (structs are passed by reference)");
  }
  const params = node.parameters.map((param): SubprogramParam => {
    const pname = param.name.getText();
    if (!param.type) fail(Codes.SubprogramArguments, at, `'${name}': parameter '${pname}' needs a declared type`);
    if (param.initializer || param.questionToken || param.dotDotDotToken) {
      fail(Codes.SubprogramArguments, param, `'${name}': optional, default and rest parameters are not supported`);
    }
    const type = resolveOrExplain(L, param.type, at, `'${name}': parameter '${pname}'`);
    if (type.tag === "array") fail(Codes.SubprogramArguments, at, `'${name}': parameter '${pname}' is an array; pass the struct that holds it`);
    if (type.tag === "void") fail(Codes.SubprogramArguments, at, `'${name}': parameter '${pname}' has no value`);
    const context = L.program.context?.type;
    // (A syscall program's context is the caller's own struct, which functions take by reference like any struct.)
    if (type.tag === "struct" && context && context.name !== "" && type.name === context.name && L.program.section !== "syscall") {
      return { name: pname, node: param, type, byReference: false, context: true };
    }
    return { name: pname, node: param, type, byReference: type.tag === "struct" };
  });
  let returnType: Type | undefined;
  if (node.type && node.type.kind !== ts.SyntaxKind.VoidKeyword) {
    returnType = resolveOrExplain(L, node.type, at, `'${name}': the return type`);
    if (returnType.tag !== "int" && returnType.tag !== "ptr") {
      fail(Codes.SubprogramArguments, at, `'${name}' returns the struct '${typeName(returnType)}'; a subprogram returns an integer or a pointer (in r0)`,
        "fill a struct passed as a parameter instead");
    }
  } else if (!node.type) {
    fail(Codes.SubprogramArguments, at, `'${name}' needs a declared return type (an integer kind, a Ptr or void)`, `write e.g. function ${name}(...): u32`);
  }
  return { name, node, params, returnType };
}

function resolveOrExplain(L: LowerContext, type: ts.TypeNode, at: ts.Node, what: string): Type {
  try {
    return L.resolver.resolve(type);
  } catch (error) {
    if (!(error instanceof CompileError)) throw error;
    return fail(Codes.SubprogramArguments, at, `${what} has the type '${type.getText()}', which a BPF program cannot hold`,
      "declare parameters with integer kinds (u32, i64, ...), structs or Ptr<T>");
  }
}

/** The function a call's callee names, if it is one the program can call as a subprogram. */
export function calledFunction(L: LowerContext, callee: ts.Expression): FunctionNode | undefined {
  if (ts.isPropertyAccessExpression(callee) && callee.expression.kind === ts.SyntaxKind.ThisKeyword) {
    const method = L.probe.node.members.find((m): m is ts.MethodDeclaration => ts.isMethodDeclaration(m) && m.name.getText() === callee.name.text);
    if (method && ((ts.getDecorators(method) ?? []).length === 0 || L.probe.globalFunctions?.has(method))) return method;
    return undefined;
  }
  if (ts.isIdentifier(callee)) {
    const declaration = L.oracle.declarationOf(callee);
    if (declaration && ts.isFunctionDeclaration(declaration) && ts.isSourceFile(declaration.parent)
      && declaration.getSourceFile() === L.probe.node.getSourceFile()) return declaration;
  }
  return undefined;
}

/** The register arguments of a call: values converted to the parameters' types, structs by address. */
export function subprogramArguments(L: LowerContext, sub: Subprogram, args: readonly ts.Expression[], at: ts.Node): Operand[] {
  if (args.length !== sub.params.length) fail(Codes.SubprogramArguments, at, `'${functionName(sub.node)}' takes ${sub.params.length} arguments`);
  return sub.params.map((param, i) => {
    const arg = args[i]!;
    if (param.context) {
      if (!isContextArgument(L, arg)) {
        fail(Codes.SubprogramArguments, arg, `'${param.name}' takes the program's context: pass the program's ctx parameter itself`,
          "helpers that take the context need the pointer the program received, unchanged");
      }
      return lowerExpr(L, arg).op;
    }
    if (param.byReference) {
      const place = isPlaceExpression(arg) ? lowerPlace(L, arg) : undefined;
      if (!place || place.tag !== "mem" || place.type.tag !== "struct" || place.type.name !== (param.type as { name: string }).name) {
        return fail(Codes.SubprogramArguments, arg, `'${param.name}' takes a ${typeName(param.type)} variable or member (passed by reference)`);
      }
      return addressOperand(L, wholeAddress(L, place, arg));
    }
    return convertTo(L, lowerExpr(L, arg, param.type), param.type, arg);
  });
}

export function lowerSubprogramCall(L: LowerContext, node: ts.CallExpression, target: FunctionNode): RValue {
  const sub = L.subprograms.request(L, target, node);
  const args = subprogramArguments(L, sub, node.arguments, node);
  const type = sub.returnType ?? { tag: "int", kind: "i32" };
  const dst = L.b.newReg(type.tag === "int" ? type.kind : "ptr");
  L.b.emit({ op: "callsub", target: sub.name, args, dst });
  return { type, op: { tag: "reg", reg: dst } };
}
