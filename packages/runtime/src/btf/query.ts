/**
 * The few BTF queries the runtime needs (by id, through modifiers, by name, sizes). Kept private
 * to the runtime so that marshalling does not wait on @tsbpf/object's query module.
 */
import type { Btf, BtfDatasec, BtfType } from "@tsbpf/object";

/** The type with `id`, or undefined for void (0) and unknown ids. */
export function typeAt(btf: Btf, id: number): BtfType | undefined {
  if (id === 0) return undefined;
  return btf.types[id - (btf.firstTypeId ?? 1)];
}

/** Follows typedef, const, volatile, restrict and type_tag down to the real type; returns [id, type]. */
export function skipModifiers(btf: Btf, id: number): [number, BtfType | undefined] {
  let t = typeAt(btf, id);
  for (let guard = 0; t && guard < 64; guard++) {
    if (t.kind !== "typedef" && t.kind !== "const" && t.kind !== "volatile" && t.kind !== "restrict" && t.kind !== "type_tag") break;
    id = t.type;
    t = typeAt(btf, id);
  }
  return [id, t];
}

/** Byte size of a type (0 for void, functions and forward declarations). */
export function sizeOf(btf: Btf, id: number): number {
  const [, t] = skipModifiers(btf, id);
  if (!t) return 0;
  switch (t.kind) {
    case "int":
    case "struct":
    case "union":
    case "enum":
    case "enum64":
    case "float":
    case "datasec":
      return t.size;
    case "ptr":
      return 8;
    case "array":
      return t.nelems * sizeOf(btf, t.type);
    case "var":
      return sizeOf(btf, t.type);
    default:
      return 0;
  }
}

/** Alignment of a type in bytes (natural alignment, capped at 8). */
export function alignOf(btf: Btf, id: number): number {
  const [, t] = skipModifiers(btf, id);
  if (!t) return 1;
  switch (t.kind) {
    case "int":
    case "enum":
    case "enum64":
    case "float":
      return Math.min(Math.max(t.size, 1), 8);
    case "ptr":
      return 8;
    case "array":
      return alignOf(btf, t.type);
    case "struct":
    case "union":
      return t.members.reduce((a, m) => Math.max(a, alignOf(btf, m.type)), 1);
    default:
      return 1;
  }
}

/** The DATASEC named `name` (".rodata", ".data", ".bss", ".maps"). */
export function findDatasec(btf: Btf, name: string): BtfDatasec | undefined {
  for (const t of btf.types) if (t.kind === "datasec" && t.name === name) return t;
  return undefined;
}

/** A human-readable name of a type, for messages ("struct event", "u32", "char[16]"). */
export function describeType(btf: Btf, id: number): string {
  const t = typeAt(btf, id);
  if (!t) return "void";
  switch (t.kind) {
    case "int":
    case "float":
    case "typedef":
      return t.name;
    case "struct":
    case "union":
    case "enum":
    case "enum64":
      return `${t.kind === "enum64" ? "enum" : t.kind} ${t.name || "(anonymous)"}`;
    case "ptr":
      return `${describeType(btf, t.type)} *`;
    case "array":
      return `${describeType(btf, t.type)}[${t.nelems}]`;
    case "const":
    case "volatile":
    case "restrict":
      return `${t.kind} ${describeType(btf, t.type)}`;
    default:
      return t.kind;
  }
}
