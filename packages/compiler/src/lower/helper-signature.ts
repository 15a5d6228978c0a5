/**
 * The calling convention of a `bpf.<helper>()` declaration, read from the DSL's declaration: its
 * `@bpfHelper <id>`, and per parameter either an integer kind, a `CharArray` buffer, which the
 * kernel takes as two arguments (pointer, size), (typed `object`) the program's context pointer, or
 * (a `Ptr<T>`) one pointer: a struct or array the program holds, or a pointer value.
 */
import { ts } from "ts-morph";
import type { IntKind } from "../checker/kinds.js";
import { Codes } from "../diagnostics/codes.js";
import type { LowerContext } from "./context.js";
import { fail } from "./errors.js";

export type HelperParam =
  | { tag: "int"; kind: IntKind; name: string }
  | { tag: "buffer"; name: string }
  | { tag: "context"; name: string }
  | { tag: "pointer"; name: string }
  /** `u64 | CharArray<number>`: an address, or a char array standing for its address (C's array decay). */
  | { tag: "address"; name: string };

export interface HelperSignature {
  name: string;
  id: number;
  params: HelperParam[];
  returns: IntKind;
}

/**
 * The overload of a helper declaration a call with `argc` arguments means: `probeReadStr(buffer,
 * source)` or `probeReadStr(dst, size, source)`. tsc resolved the call already; overloads of a
 * helper differ in their number of parameters, so that number picks the same one.
 */
export function helperOverload(declaration: ts.Declaration, argc: number): ts.Declaration {
  const holder = declaration.parent;
  if (!ts.isMethodSignature(declaration) || !ts.isInterfaceDeclaration(holder)) return declaration;
  const name = declaration.name.getText();
  const overloads = holder.members.filter((m): m is ts.MethodSignature => ts.isMethodSignature(m) && m.name.getText() === name);
  if (overloads.length < 2) return declaration;
  const fits = (m: ts.MethodSignature): boolean => argc <= m.parameters.length && argc >= m.parameters.filter((p) => !p.questionToken).length;
  return overloads.find(fits) ?? declaration;
}

export function helperSignature(L: LowerContext, declaration: ts.Declaration, name: string, at: ts.Node): HelperSignature {
  const cached = L.helperSignatures.get(declaration);
  if (cached) return cached;
  const id = L.oracle.helperId(declaration);
  if (id === undefined || !ts.isMethodSignature(declaration)) {
    fail(Codes.UnknownHelper, at, `the helper '${name}' has no @bpfHelper id in its declaration`);
  }
  const params: HelperParam[] = declaration.parameters.map((param) => {
    const paramName = param.name.getText();
    const type = param.type;
    if (type && ts.isTypeReferenceNode(type)) {
      const target = L.oracle.declarationOf(type.typeName);
      if (target && L.oracle.dslNameOf(target) === "CharArray") return { tag: "buffer", name: paramName };
      if (target && L.oracle.dslNameOf(target) === "AnyPtr") return { tag: "pointer", name: paramName };
    }
    if (type?.kind === ts.SyntaxKind.ObjectKeyword) return { tag: "context", name: paramName };
    if (type && ts.isUnionTypeNode(type) && type.types.some((t) => ts.isTypeReferenceNode(t) && t.typeName.getText() === "CharArray")) {
      return { tag: "address", name: paramName };
    }
    if (!type) fail(Codes.UnknownHelper, at, `the helper '${name}' has an untyped parameter`);
    const resolved = L.resolver.resolve(type);
    if (resolved.tag === "ptr") return { tag: "pointer", name: paramName };
    if (resolved.tag !== "int") fail(Codes.UnknownHelper, at, `the helper '${name}' has a parameter this compiler cannot pass`);
    return { tag: "int", kind: resolved.kind, name: paramName };
  });
  let returns: IntKind = "i64";
  // `Ptr<KernelType<...>>` results are typed by tsc through declaration merging (core/helpers.ts).
  if (declaration.type && !/\bKernelType</.test(declaration.type.getText())) {
    const resolved = L.resolver.resolve(declaration.type);
    if (resolved.tag === "int") returns = resolved.kind;
  }
  const signature: HelperSignature = { name, id, params, returns };
  L.helperSignatures.set(declaration, signature);
  return signature;
}
