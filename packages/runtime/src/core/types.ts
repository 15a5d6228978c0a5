/**
 * What CO-RE asks of a BTF, on either side: the object's own (local, an eager `Btf`) and the
 * kernel's (target, a `LazyBtf`, decoded only where relocation looks). Both answer `type(id)`.
 */
import { ObjectFormatError, tryTypeById, typeSizeVia, type Btf, type BtfType } from "@tsbpf/object";

export interface TypeSource {
  /** The type with `id`, undefined for void (0) and unknown ids. */
  type(id: number): BtfType | undefined;
}

export function eagerTypes(btf: Btf): TypeSource {
  return { type: (id) => tryTypeById(btf, id) };
}

const MAX_DEPTH = 32;

/** libbpf's skip_mods_and_typedefs: the id and type under typedefs and qualifiers ([0, undefined] for void). */
export function skipMods(src: TypeSource, id: number): [number, BtfType | undefined] {
  for (let depth = 0; depth < MAX_DEPTH; depth++) {
    const t = src.type(id);
    if (t === undefined) return [id, undefined];
    if (t.kind !== "typedef" && t.kind !== "const" && t.kind !== "volatile" && t.kind !== "restrict" && t.kind !== "type_tag") return [id, t];
    id = t.type;
  }
  return [id, undefined];
}

/** libbpf's btf__resolve_size: bytes of type `id`, or -1 for sizeless kinds. */
export function resolveSize(src: TypeSource, id: number): number {
  try {
    return typeSizeVia((i) => src.type(i), id);
  } catch (error) {
    if (error instanceof ObjectFormatError) return -1;
    throw error;
  }
}

export function isComposite(t: BtfType | undefined): t is Extract<BtfType, { kind: "struct" | "union" }> {
  return t?.kind === "struct" || t?.kind === "union";
}

export function isAnyEnum(t: BtfType | undefined): t is Extract<BtfType, { kind: "enum" | "enum64" }> {
  return t?.kind === "enum" || t?.kind === "enum64";
}

/** libbpf's btf_kind_core_compat: the same kind, or both enums (32- or 64-bit). */
export function kindsCompatible(a: BtfType, b: BtfType): boolean {
  return a.kind === b.kind || (isAnyEnum(a) && isAnyEnum(b));
}

export function nameOf(t: BtfType | undefined): string {
  return t !== undefined && "name" in t ? t.name : "";
}

/** A short C-like description for messages: "struct task_struct", "int", "enum pid_type". */
export function describe(src: TypeSource, id: number): string {
  const t = src.type(id);
  if (t === undefined) return "void";
  switch (t.kind) {
    case "struct":
    case "union":
    case "enum":
    case "fwd":
      return `${t.kind} ${t.name || "(anon)"}`;
    case "enum64":
      return `enum ${t.name || "(anon)"}`;
    case "ptr":
      return `${describe(src, t.type)} *`;
    default:
      return nameOf(t) || t.kind;
  }
}
