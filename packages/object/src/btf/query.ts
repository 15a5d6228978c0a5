/**
 * Questions asked of a BTF model: the type behind an id, what a chain of typedefs and qualifiers
 * resolves to, how big a type is, which type has a name. Split BTF is followed into its base.
 */
import { ObjectFormatError } from "../errors.js";
import type { Btf, BtfType } from "./types.js";

const SECTION = ".BTF";

/** libbpf's bound on typedef/modifier chains and array nesting (guards against cycles). */
const MAX_DEPTH = 32;

/** The type with `id`, or undefined for `void` (0) and ids outside `btf` (and its base). */
export function tryTypeById(btf: Btf, id: number): BtfType | undefined {
  const first = btf.firstTypeId ?? 1;
  if (id < first) return btf.base !== undefined ? tryTypeById(btf.base, id) : undefined;
  return btf.types[id - first];
}

/** The type with `id`; throws an ObjectFormatError for `void` (0) and unknown ids (a dangling reference). */
export function typeById(btf: Btf, id: number): BtfType {
  const type = tryTypeById(btf, id);
  if (type === undefined) {
    throw new ObjectFormatError(SECTION, id === 0 ? "type id 0 is void, which has no type record" : `type id ${id} does not exist`);
  }
  return type;
}

/** The id of the last type in `btf` (0 when empty). */
export function lastTypeId(btf: Btf): number {
  return (btf.firstTypeId ?? 1) + btf.types.length - 1;
}

/** Follows typedef, const, volatile, restrict and type_tag to the id of the type underneath (0 for void). */
export function resolveModifiers(btf: Btf, id: number): number {
  for (let depth = 0; depth < MAX_DEPTH; depth++) {
    const type = tryTypeById(btf, id);
    if (type === undefined) return id;
    switch (type.kind) {
      case "typedef":
      case "const":
      case "volatile":
      case "restrict":
      case "type_tag":
        id = type.type;
        break;
      default:
        return id;
    }
  }
  throw new ObjectFormatError(SECTION, `type chain from id ${id} is longer than ${MAX_DEPTH} (a cycle?)`);
}

/** Size in bytes of the type with `id` (libbpf's btf__resolve_size); throws for sizeless kinds. */
export function typeSize(btf: Btf, id: number): number {
  return typeSizeVia((i) => typeById(btf, i), id);
}

/**
 * `typeSize` over any source of types (an eager model, a LazyBtf's `type`): throws an
 * ObjectFormatError for sizeless kinds, for ids `lookup` does not know and for sizes past 2^53.
 */
export function typeSizeVia(lookup: (id: number) => BtfType | undefined, id: number): number {
  let multiplier = 1;
  for (let depth = 0; depth < MAX_DEPTH; depth++) {
    const type = lookup(id);
    if (type === undefined) throw new ObjectFormatError(SECTION, `type id ${id} does not exist`);
    switch (type.kind) {
      case "int":
      case "enum":
      case "enum64":
      case "struct":
      case "union":
      case "datasec":
      case "float":
        return checkedSize(multiplier * type.size, id);
      case "ptr":
        return checkedSize(multiplier * 8, id); // BPF is a 64-bit target
      case "array":
        multiplier *= type.nelems;
        id = type.type;
        break;
      case "typedef":
      case "const":
      case "volatile":
      case "restrict":
      case "type_tag":
      case "var":
      case "decl_tag":
        id = type.type;
        break;
      default:
        throw new ObjectFormatError(SECTION, `type [${id}] (${type.kind}) has no size`);
    }
  }
  throw new ObjectFormatError(SECTION, `type chain from id ${id} is longer than ${MAX_DEPTH} (a cycle?)`);
}

/** A size an array of arrays multiplied past what a number holds exactly is a malformed BTF, not a size. */
function checkedSize(size: number, id: number): number {
  if (!Number.isSafeInteger(size)) throw new ObjectFormatError(SECTION, `type [${id}]: array size overflows`);
  return size;
}

/** The name of a type, "" for anonymous kinds. */
export function typeName(type: BtfType): string {
  return "name" in type ? type.name : "";
}

interface NameIndex {
  count: number;
  byName: Map<string, number[]>;
}

const indexes = new WeakMap<Btf, NameIndex>();

/** Name → ids, built once per model (rebuilt if types were appended since). */
function nameIndex(btf: Btf): NameIndex {
  let index = indexes.get(btf);
  if (index === undefined || index.count !== btf.types.length) {
    const byName = new Map<string, number[]>();
    const first = btf.firstTypeId ?? 1;
    btf.types.forEach((type, i) => {
      const name = typeName(type);
      if (name === "") return;
      const ids = byName.get(name);
      if (ids === undefined) byName.set(name, [first + i]);
      else ids.push(first + i);
    });
    index = { count: btf.types.length, byName };
    indexes.set(btf, index);
  }
  return index;
}

/**
 * The first type named `name` (optionally of `kind`), looked up in `btf` and then its base;
 * undefined when there is none. Lookups are indexed, so repeated queries on vmlinux are cheap.
 */
export function findTypeByName(
  btf: Btf,
  name: string,
  kind?: BtfType["kind"],
): { id: number; type: BtfType } | undefined {
  for (const id of nameIndex(btf).byName.get(name) ?? []) {
    const type = btf.types[id - (btf.firstTypeId ?? 1)]!;
    if (kind === undefined || type.kind === kind) return { id, type };
  }
  return btf.base !== undefined ? findTypeByName(btf.base, name, kind) : undefined;
}
