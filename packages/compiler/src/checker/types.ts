/**
 * The compiler's model of the subset's types. tsc's types are read once (by the front end) and
 * turned into these; everything after the front end works on this model only.
 */
import type { IntKind } from "./kinds.js";

export type Type = IntType | StructType | ArrayType | PtrType | VoidType;

export interface IntType {
  tag: "int";
  kind: IntKind;
}

export interface StructField {
  name: string;
  type: Type;
  /** Byte offset from the start of the struct. */
  offset: number;
  /** A kernel struct's bitfield: bit offset from the start of the struct and width in bits. */
  bits?: { offset: number; size: number };
  /** A kernel struct's pointer member typed as a u64 address (`@ptr`): a pointer in BTF. */
  pointer?: boolean;
}

export interface StructType {
  tag: "struct";
  /** The C name (the interface's name, or the kernel's name for the DSL context types). */
  name: string;
  fields: StructField[];
  size: number;
  align: number;
  /**
   * A kernel type (an interface tagged `@kernel`, e.g. from `tsbpf/vmlinux`): its layout is the
   * compiling kernel's, and every access through a pointer to it is a CO-RE relocation.
   */
  kernel?: { union: boolean };
}

export interface ArrayType {
  tag: "array";
  element: Type;
  length: number;
  /** A `CharArray<N>`: C `char[N]`, initialised from string literals. */
  char: boolean;
}

export interface PtrType {
  tag: "ptr";
  pointee: Type;
  /** `UserPtr<T>`: user memory, read through bpf_probe_read_user (never dereferenced directly). */
  user?: true;
}

export interface VoidType {
  tag: "void";
}

const intTypes = new Map<IntKind, IntType>();

export function intType(kind: IntKind): IntType {
  let type = intTypes.get(kind);
  if (!type) {
    type = { tag: "int", kind };
    intTypes.set(kind, type);
  }
  return type;
}

export const VOID: VoidType = { tag: "void" };

export function ptrTo(pointee: Type): PtrType {
  return { tag: "ptr", pointee };
}

export function isInt(type: Type): type is IntType {
  return type.tag === "int";
}

/** A readable name for messages: `u32`, `Stats`, `CharArray<16>`, `Ptr<Stats>`. */
export function typeName(type: Type): string {
  switch (type.tag) {
    case "int": return type.kind;
    case "struct": return type.name;
    case "array": return type.char ? `CharArray<${type.length}>` : `FixedArray<${typeName(type.element)}, ${type.length}>`;
    case "ptr": return `${type.user ? "UserPtr" : "Ptr"}<${typeName(type.pointee)}>`;
    case "void": return "void";
  }
}

export function sameType(a: Type, b: Type): boolean {
  if (a === b) return true;
  if (a.tag !== b.tag) return false;
  switch (a.tag) {
    case "int": return a.kind === (b as IntType).kind;
    case "struct": return a.name === (b as StructType).name && a.size === (b as StructType).size;
    case "array": {
      const other = b as ArrayType;
      return a.length === other.length && a.char === other.char && sameType(a.element, other.element);
    }
    case "ptr": return sameType(a.pointee, (b as PtrType).pointee) && !a.user === !(b as PtrType).user;
    case "void": return true;
  }
}
