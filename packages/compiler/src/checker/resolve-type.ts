/**
 * From type annotations to the compiler's types: `u32` → int u32, `CharArray<16>` → char[16],
 * `Ptr<Stats>` → pointer, an interface → a C struct laid out as C lays it out.
 *
 * Types are read from the declarations' syntax (resolved through tsc to their declarations),
 * not from tsc's computed types: tsc may lose the alias of an intersection, the syntax never does.
 */
import { ts } from "ts-morph";
import { Codes } from "../diagnostics/codes.js";
import { CompileError } from "../diagnostics/diagnostic.js";
import type { TypeOracle } from "../frontend/oracle.js";
import { spanOf } from "../frontend/span.js";
import { typeQueryConstant } from "../frontend/named-constant.js";
import { contextStructNames } from "../frontend/hooks-dsl.js";
import { isIntKind } from "./kinds.js";
import { layoutStruct } from "./layout.js";
import { isKernelInterface, kernelStruct } from "../core/kernel-struct.js";
import { intType, ptrTo, type StructType, type Type } from "./types.js";

/** The kernel's names of the DSL's context structs, used in BTF as clang would name them. */
const KERNEL_STRUCT_NAMES: Record<string, string> = {
  SysEnterContext: "trace_event_raw_sys_enter",
  SysExitContext: "trace_event_raw_sys_exit",
  TraceEntry: "trace_entry",
  ...contextStructNames,
};

export interface ResolvedType {
  type: Type;
  /** `Ptr<T> | null`: a pointer that must be checked before use. */
  nullable: boolean;
}

export class TypeResolver {
  private readonly structs = new Map<ts.Declaration, StructType>();
  private readonly inProgress = new Set<ts.Declaration>();
  private readonly oracle: TypeOracle;

  constructor(oracle: TypeOracle) {
    this.oracle = oracle;
  }

  resolve(node: ts.TypeNode): Type {
    return this.resolveNullable(node).type;
  }

  resolveNullable(node: ts.TypeNode): ResolvedType {
    if (ts.isParenthesizedTypeNode(node)) return this.resolveNullable(node.type);
    if (ts.isUnionTypeNode(node)) {
      const rest = node.types.filter((t) => !isNullType(t));
      if (rest.length === 1 && rest.length < node.types.length) {
        const inner = this.resolve(rest[0]!);
        if (inner.tag === "ptr") return { type: inner, nullable: true };
      }
      throw unsupported(node, `the union type '${node.getText()}' has no C equivalent`, "only 'Ptr<T> | null' is a union in the subset");
    }
    return { type: this.resolveNonNull(node), nullable: false };
  }

  private resolveNonNull(node: ts.TypeNode): Type {
    switch (node.kind) {
      case ts.SyntaxKind.BooleanKeyword:
        return intType("bool");
      case ts.SyntaxKind.NumberKeyword:
      case ts.SyntaxKind.BigIntKeyword:
        throw new CompileError(Codes.NoIntegerKind, spanOf(node), `'${node.getText()}' has no integer kind`,
          "declare the kind: u8, u16, u32, i32 (numbers) or u64, i64 (bigints)");
      case ts.SyntaxKind.AnyKeyword:
      case ts.SyntaxKind.UnknownKeyword:
        throw new CompileError(Codes.Any, spanOf(node), `'${node.getText()}' is not allowed in a probe`, "give the value an integer kind or a struct type");
      case ts.SyntaxKind.StringKeyword:
        throw unsupported(node, "'string' has no fixed size", "use CharArray<N> for a fixed char array");
      default:
        break;
    }
    if (!ts.isTypeReferenceNode(node)) throw unsupported(node, `the type '${node.getText()}' is not in the subset`);
    const declaration = this.oracle.declarationOf(node.typeName);
    if (!declaration) throw unsupported(node, `cannot resolve the type '${node.getText()}'`);
    const dsl = this.oracle.dslNameOf(declaration);
    if (dsl !== undefined) return this.resolveDsl(node, dsl, declaration);
    if (ts.isInterfaceDeclaration(declaration)) return this.struct(declaration, declaration.name.text);
    if (ts.isClassDeclaration(declaration) && declaration.name) return this.struct(declaration, declaration.name.text);
    if (ts.isTypeAliasDeclaration(declaration) && !declaration.typeParameters) return this.resolve(declaration.type);
    throw unsupported(node, `the type '${node.getText()}' is not in the subset`, "use integer kinds, interfaces of them, CharArray<N>, FixedArray<T, N> or Ptr<T>");
  }

  private resolveDsl(node: ts.TypeReferenceNode, name: string, declaration: ts.Declaration): Type {
    if (isIntKind(name)) return intType(name);
    const args = node.typeArguments ?? [];
    switch (name) {
      case "CharArray":
        return { tag: "array", element: intType("i8"), length: lengthArgument(node, args[0], this.oracle), char: true };
      case "FixedArray":
        if (!args[0]) throw unsupported(node, "FixedArray needs an element type");
        return { tag: "array", element: this.resolve(args[0]), length: lengthArgument(node, args[1], this.oracle), char: false };
      case "Ptr":
        if (!args[0]) throw unsupported(node, "Ptr needs a pointee type");
        return ptrTo(this.resolve(args[0]));
      case "UserPtr":
        if (!args[0]) throw unsupported(node, "UserPtr needs a pointee type");
        return { tag: "ptr", pointee: this.resolve(args[0]), user: true };
      default:
        if (ts.isInterfaceDeclaration(declaration)) {
          return this.struct(declaration, KERNEL_STRUCT_NAMES[name] ?? name);
        }
        throw unsupported(node, `'${name}' is not a data type`);
    }
  }

  /** An interface (or a class with only data members): a C struct. */
  struct(declaration: ts.InterfaceDeclaration | ts.ClassDeclaration, cName: string): StructType {
    if (isKernelInterface(declaration)) return kernelStruct(this, declaration);
    const name = declaration.name?.text ?? cName;
    const cached = this.structs.get(declaration);
    if (cached) return cached;
    if (this.inProgress.has(declaration)) {
      throw new CompileError(Codes.RecursiveType, spanOf(declaration.name ?? declaration), `'${name}' contains itself`,
        "a struct cannot contain itself by value");
    }
    const at = declaration.name ?? declaration;
    if (declaration.typeParameters?.length) throw unsupported(at, "generic types are not structs", "declare one struct per element type (C has no generics)");
    if (declaration.heritageClauses?.length) throw unsupported(at, "a struct type cannot extend another", "embed the other struct as a member instead");
    this.inProgress.add(declaration);
    try {
      const members: { name: string; type: Type }[] = [];
      for (const member of declaration.members as ts.NodeArray<ts.ClassElement | ts.TypeElement>) {
        const data = ts.isPropertySignature(member) || (ts.isPropertyDeclaration(member) && !member.modifiers?.some((m) => m.kind === ts.SyntaxKind.StaticKeyword));
        if (!data || !member.type || !ts.isIdentifier(member.name)) {
          throw unsupported(member, "a struct type may only hold data members with a type", "remove methods, constructors, static members and index signatures");
        }
        if (member.questionToken) throw unsupported(member, "optional members have no C equivalent", "make the member required");
        members.push({ name: member.name.text, type: this.resolve(member.type) });
      }
      // `/** @packed */`: C's __attribute__((packed)).
      const packed = ts.getJSDocTags(declaration).some((t) => t.tagName.text === "packed");
      const struct = layoutStruct(cName, members, packed);
      this.structs.set(declaration, struct);
      return struct;
    } finally {
      this.inProgress.delete(declaration);
    }
  }
}

function isNullType(node: ts.TypeNode): boolean {
  return (ts.isLiteralTypeNode(node) && node.literal.kind === ts.SyntaxKind.NullKeyword) || node.kind === ts.SyntaxKind.UndefinedKeyword;
}

/** A fixed array's length: a literal (`CharArray<16>`) or a named constant (`CharArray<typeof MAX_LINE_SIZE>`). */
function lengthArgument(node: ts.Node, arg: ts.TypeNode | undefined, oracle: TypeOracle): number {
  let n: number | undefined;
  if (arg && ts.isLiteralTypeNode(arg) && ts.isNumericLiteral(arg.literal)) n = Number(arg.literal.text);
  if (arg && ts.isTypeQueryNode(arg)) {
    const value = typeQueryConstant(arg, oracle);
    if (value !== undefined) n = Number(value);
  }
  if (n !== undefined && Number.isInteger(n) && n > 0 && n <= 1 << 20) return n;
  throw unsupported(arg ?? node, "the length of a fixed array must be a positive integer literal or `typeof` a const holding one",
    "write CharArray<16>, or const MAX_LEN = 16 and CharArray<typeof MAX_LEN>");
}

function unsupported(node: ts.Node, message: string, hint?: string): CompileError {
  return new CompileError(Codes.UnsupportedType, spanOf(node), message, hint);
}
