/**
 * `TypeOracle` over tsc's JS API (the TypeChecker of a ts-morph Project).
 */
import { ts } from "ts-morph";
import { isDslFile } from "./dsl-package.js";
import type { TypeOracle } from "./oracle.js";
import { isKernelInterface } from "../core/kernel-struct.js";

export class TsOracle implements TypeOracle {
  private readonly checker: ts.TypeChecker;
  constructor(checker: ts.TypeChecker) {
    this.checker = checker;
  }

  declarationOf(node: ts.Node): ts.Declaration | undefined {
    // `{ pid }` names a property and reads the variable `pid`: the variable is meant.
    let symbol = ts.isShorthandPropertyAssignment(node.parent) && node.parent.name === node
      ? this.checker.getShorthandAssignmentValueSymbol(node.parent)
      : this.checker.getSymbolAtLocation(node);
    if (!symbol) return undefined;
    if (symbol.flags & ts.SymbolFlags.Alias) symbol = this.checker.getAliasedSymbol(symbol);
    const declarations = symbol.declarations ?? [];
    // A DSL cast such as `u32` is both a type alias and a function: pick the one the position wants.
    if (declarations.length > 1 && isTypePosition(node)) {
      return declarations.find((d) => ts.isTypeAliasDeclaration(d) || ts.isInterfaceDeclaration(d)) ?? declarations[0];
    }
    if (declarations.length > 1) {
      return declarations.find((d) => !ts.isTypeAliasDeclaration(d) && !ts.isInterfaceDeclaration(d)) ?? declarations[0];
    }
    return declarations[0];
  }

  dslNameOf(declaration: ts.Declaration): string | undefined {
    const file = declaration.getSourceFile().fileName;
    if (!isDslFile(file)) return undefined;
    const own = declarationName(declaration);
    if (own === undefined) return undefined;
    const parent = declaration.parent;
    if (parent && (ts.isInterfaceDeclaration(parent) || ts.isClassDeclaration(parent)) && parent.name) {
      return `${parent.name.text}.${own}`;
    }
    return own;
  }

  isAny(node: ts.Node): boolean {
    return (this.checker.getTypeAtLocation(node).flags & ts.TypeFlags.Any) !== 0;
  }

  isBoolean(node: ts.Node): boolean {
    const type = this.checker.getTypeAtLocation(node);
    if (type.flags & ts.TypeFlags.Never) return this.#neverIsBoolean(node);
    return (type.flags & ts.TypeFlags.BooleanLike) !== 0;
  }

  /**
   * tsc types expressions as `never` in code it finds unreachable (`if (b) { if (!b) { … b … } }`,
   * the right of `b || …` where b is true); the program still compiles that code, where a name has
   * its declared type and `!`, `&&`, `||` and comparisons yield booleans.
   */
  #neverIsBoolean(node: ts.Node): boolean {
    if (ts.isParenthesizedExpression(node)) return this.isBoolean(node.expression);
    if (ts.isPrefixUnaryExpression(node)) return node.operator === ts.SyntaxKind.ExclamationToken;
    if (ts.isBinaryExpression(node)) {
      const op = node.operatorToken.kind;
      if (op === ts.SyntaxKind.AmpersandAmpersandToken || op === ts.SyntaxKind.BarBarToken) return this.isBoolean(node.left) && this.isBoolean(node.right);
      return op >= ts.SyntaxKind.LessThanToken && op <= ts.SyntaxKind.ExclamationEqualsEqualsToken;
    }
    const symbol = this.checker.getSymbolAtLocation(ts.isPropertyAccessExpression(node) ? node.name : node);
    const declaration = symbol?.valueDeclaration;
    return declaration !== undefined && (this.checker.getTypeOfSymbolAtLocation(symbol!, declaration).flags & ts.TypeFlags.BooleanLike) !== 0;
  }

  typeText(node: ts.Node): string {
    return this.checker.typeToString(this.checker.getTypeAtLocation(node));
  }

  kernelInterfaceOf(node: ts.Node): ts.InterfaceDeclaration | undefined {
    const type = this.checker.getTypeAtLocation(node);
    for (const part of type.isIntersection() ? type.types : [type]) {
      for (const declaration of part.getSymbol()?.declarations ?? []) {
        if (isKernelInterface(declaration)) return declaration;
      }
    }
    return undefined;
  }

  kernelDeclaration(from: ts.Node, table: "KernelFunctions" | "KernelTracepoints", name: string): ts.MethodSignature | "unknown" | "unloaded" {
    // `@tp_btf(...)` or `@t.tp_btf(...)`: the import that brings the name in names the DSL module.
    const local = ts.isPropertyAccessExpression(from) ? from.expression : from;
    let node: ts.Node | undefined = this.checker.getSymbolAtLocation(local)?.declarations?.[0];
    while (node && !ts.isImportDeclaration(node)) node = node.parent;
    const module = node && this.checker.getSymbolAtLocation(node.moduleSpecifier);
    let symbol = module && this.checker.tryGetMemberInModuleExports(table, module);
    if (symbol && symbol.flags & ts.SymbolFlags.Alias) symbol = this.checker.getAliasedSymbol(symbol);
    if (!symbol?.declarations?.some((d) => !isDslFile(d.getSourceFile().fileName))) return "unloaded";
    const member = symbol.members?.get(ts.escapeLeadingUnderscores(name));
    return member?.declarations?.find(ts.isMethodSignature) ?? "unknown";
  }

  helperId(declaration: ts.Declaration): number | undefined {
    for (const tag of ts.getJSDocTags(declaration)) {
      if (tag.tagName.text !== "bpfHelper") continue;
      const text = typeof tag.comment === "string" ? tag.comment : ts.getTextOfJSDocComment(tag.comment);
      const id = Number.parseInt((text ?? "").trim(), 10);
      if (Number.isInteger(id) && id > 0) return id;
    }
    return undefined;
  }
}

function declarationName(declaration: ts.Declaration): string | undefined {
  const name = (declaration as { name?: ts.Node }).name;
  if (name && (ts.isIdentifier(name) || ts.isPrivateIdentifier(name))) return name.text;
  return undefined;
}

function isTypePosition(node: ts.Node): boolean {
  let current = node;
  while (ts.isQualifiedName(current.parent)) current = current.parent;
  return ts.isTypeReferenceNode(current.parent);
}
