/**
 * The evaluator's types and their C layout (natural alignment, declaration order, size rounded to
 * the alignment), resolved from the source's syntax alone: DSL names (`u32`, `FixedArray<T, N>`,
 * `CharArray<N>`, `Ptr<T>`) and the file's own interfaces and data classes.
 */
import { ts } from "ts-morph";
import { bytes, isKind, type Kind } from "./c-ints.js";

export type EType =
  | { tag: "int"; kind: Kind }
  | { tag: "struct"; name: string; fields: Field[]; size: number; align: number }
  | { tag: "array"; elem: EType; length: number; chars: boolean }
  | { tag: "ptr"; to: EType }
  | { tag: "void" };

export interface Field {
  name: string;
  type: EType;
  offset: number;
}

export class EvalError extends Error {
  constructor(message: string, node?: ts.Node) {
    super(node ? `${message} (at '${node.getText().slice(0, 80)}', line ${lineOf(node)})` : message);
    this.name = "EvalError";
  }
}

function lineOf(node: ts.Node): number {
  const sf = node.getSourceFile();
  return sf.getLineAndCharacterOfPosition(node.getStart()).line + 1;
}

export function intT(kind: Kind): EType {
  return { tag: "int", kind };
}

export function sizeOf(t: EType): number {
  switch (t.tag) {
    case "int": return bytes(t.kind);
    case "struct": return t.size;
    case "array": return sizeOf(t.elem) * t.length;
    case "ptr": return 8;
    case "void": return 0;
  }
}

export function alignOf(t: EType): number {
  switch (t.tag) {
    case "int": return bytes(t.kind);
    case "struct": return t.align;
    case "array": return alignOf(t.elem);
    case "ptr": return 8;
    case "void": return 1;
  }
}

const alignUp = (n: number, a: number) => Math.ceil(n / a) * a;

/** Resolves type nodes against the declarations of one source file. */
export class TypeTable {
  readonly #declarations = new Map<string, ts.InterfaceDeclaration | ts.ClassDeclaration | ts.TypeAliasDeclaration>();
  readonly #structs = new Map<string, EType>();

  constructor(sourceFile: ts.SourceFile) {
    for (const s of sourceFile.statements) {
      if ((ts.isInterfaceDeclaration(s) || ts.isClassDeclaration(s) || ts.isTypeAliasDeclaration(s)) && s.name) {
        this.#declarations.set(s.name.text, s);
      }
    }
  }

  resolve(node: ts.TypeNode): EType {
    if (node.kind === ts.SyntaxKind.BooleanKeyword) return intT("bool");
    if (node.kind === ts.SyntaxKind.VoidKeyword) return { tag: "void" };
    if (ts.isParenthesizedTypeNode(node)) return this.resolve(node.type);
    if (ts.isUnionTypeNode(node)) {
      // `Ptr<T> | null`
      const rest = node.types.filter((t) => !(ts.isLiteralTypeNode(t) && t.literal.kind === ts.SyntaxKind.NullKeyword));
      if (rest.length === 1) return this.resolve(rest[0]!);
    }
    if (ts.isTypeReferenceNode(node) && ts.isIdentifier(node.typeName)) {
      const name = node.typeName.text;
      const args = node.typeArguments ?? [];
      if (isKind(name)) return intT(name);
      if (name === "FixedArray" || name === "CharArray") {
        const lengthNode = args[name === "FixedArray" ? 1 : 0];
        const length = lengthNode && ts.isLiteralTypeNode(lengthNode) && ts.isNumericLiteral(lengthNode.literal) ? Number(lengthNode.literal.text) : NaN;
        if (!Number.isInteger(length)) throw new EvalError(`${name} needs a literal length`, node);
        return { tag: "array", elem: name === "FixedArray" ? this.resolve(args[0]!) : intT("u8"), length, chars: name === "CharArray" };
      }
      if (name === "Ptr" || name === "UserPtr") return { tag: "ptr", to: this.resolve(args[0]!) };
      return this.named(name, node);
    }
    throw new EvalError(`the evaluator does not know the type '${node.getText()}'`, node);
  }

  /** A struct declared in the file (by interface, data class or alias of one). */
  named(name: string, at?: ts.Node): EType {
    const known = this.#structs.get(name);
    if (known) return known;
    const declaration = this.#declarations.get(name);
    if (!declaration) throw new EvalError(`unknown type '${name}'`, at);
    if (ts.isTypeAliasDeclaration(declaration)) return this.resolve(declaration.type);
    const fields: Field[] = [];
    let offset = 0;
    let align = 1;
    for (const member of declaration.members) {
      if (!(ts.isPropertySignature(member) || ts.isPropertyDeclaration(member)) || !member.type || !ts.isIdentifier(member.name)) continue;
      const type = this.resolve(member.type);
      const a = alignOf(type);
      offset = alignUp(offset, a);
      fields.push({ name: member.name.text, type, offset });
      offset += sizeOf(type);
      align = Math.max(align, a);
    }
    const struct: EType = { tag: "struct", name, fields, size: alignUp(offset, align), align };
    this.#structs.set(name, struct);
    return struct;
  }
}
