/**
 * C layout of the subset's types: sizes, natural alignment, struct member offsets with padding.
 */
import { kindSize } from "./kinds.js";
import type { StructField, StructType, Type } from "./types.js";

export function sizeOf(type: Type): number {
  switch (type.tag) {
    case "int": return kindSize(type.kind);
    case "struct": return type.size;
    case "array": return sizeOf(type.element) * type.length;
    case "ptr": return 8;
    case "void": return 0;
  }
}

export function alignOf(type: Type): number {
  switch (type.tag) {
    case "int": return kindSize(type.kind);
    case "struct": return type.align;
    case "array": return alignOf(type.element);
    case "ptr": return 8;
    case "void": return 1;
  }
}

export function alignUp(value: number, align: number): number {
  return Math.ceil(value / align) * align;
}

/**
 * Lays out members in declaration order, each at its natural alignment, as a C compiler does;
 * `packed` (C's `__attribute__((packed))`): every member right after the previous one, the
 * struct aligned to 1.
 */
export function layoutStruct(name: string, members: { name: string; type: Type }[], packed = false): StructType {
  let offset = 0;
  let align = 1;
  const fields: StructField[] = [];
  for (const member of members) {
    const memberAlign = packed ? 1 : alignOf(member.type);
    offset = alignUp(offset, memberAlign);
    fields.push({ name: member.name, type: member.type, offset });
    offset += sizeOf(member.type);
    align = Math.max(align, memberAlign);
  }
  return { tag: "struct", name, fields, size: alignUp(offset, align), align };
}

export function fieldOf(struct: StructType, name: string): StructField | undefined {
  return struct.fields.find((field) => field.name === name);
}
