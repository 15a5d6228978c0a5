/**
 * Kernel structs in the object's own BTF (the "local" types CO-RE relocations name): only the
 * members the program accesses, at their kernel offsets, sorted by offset, in a struct of the
 * kernel's size. libbpf matches CO-RE accesses member by member, by name, so the other members
 * are not needed; and a generated kernel interface flattens anonymous unions, whose overlapping
 * members a whole-struct BTF could not express (the kernel rejects offsets that go backwards).
 * Access strings are written against this trimmed layout.
 */
import type { BtfBuilder } from "../btf/builder.js";
import type { StructField, StructType, Type } from "../checker/types.js";
import type { CoreRelocRequest } from "../ir/ir.js";

/** The accessed members of each kernel struct, for the probe being compiled (see `beginProbe`). */
let used = new WeakMap<StructType, Set<number>>();

/**
 * Starts a probe's record of accessed members afresh: a kernel struct's type is shared by the
 * probes of one compilation (two classes in a file), and each object's BTF holds only what its
 * own programs access.
 */
export function beginProbe(): void {
  used = new WeakMap();
}

/** Records that member `index` (of `struct.fields`) of a kernel struct is accessed. */
export function markUsed(struct: StructType, index: number): void {
  let set = used.get(struct);
  if (!set) used.set(struct, (set = new Set()));
  set.add(index);
}

function bitOffset(field: StructField): number {
  return field.bits?.offset ?? field.offset * 8;
}

/** The members a kernel struct's BTF holds, in order: the accessed ones, by offset. */
export function emittedFields(struct: StructType): { field: StructField; index: number }[] {
  const set = used.get(struct) ?? new Set<number>();
  return [...set]
    .map((index) => ({ field: struct.fields[index]!, index }))
    .sort((a, b) => bitOffset(a.field) - bitOffset(b.field) || a.index - b.index);
}

/** An access string of full member indices ("0:12:3") in terms of the emitted members. */
export function localAccess(root: Type, access: string): string {
  const [first, ...rest] = access.split(":").map(Number);
  const out = [first!];
  let type: Type = root;
  for (const index of rest) {
    if (type.tag === "struct" && type.kernel) {
      out.push(emittedFields(type).findIndex((e) => e.index === index));
      type = type.fields[index]!.type;
    } else if (type.tag === "struct") {
      out.push(index);
      type = type.fields[index]!.type;
    } else if (type.tag === "array") {
      out.push(index);
      type = type.element;
    }
  }
  return out.join(":");
}

/** The type id and access string of a relocation's `.BTF.ext` record, adding its local type to `btf`. */
export function coreRecord(btf: BtfBuilder, relo: CoreRelocRequest): { typeId: number; accessString: string } {
  if (relo.enum) {
    return { typeId: btf.enumType(relo.enum.name, relo.enum.size, [{ name: relo.enum.member, value: relo.enum.value }]), accessString: "0" };
  }
  return { typeId: btf.type(relo.root), accessString: localAccess(relo.root, relo.access) };
}
