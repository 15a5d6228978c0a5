/**
 * Builds a BTF type table the way clang emits one for the equivalent C: C integer names,
 * structs with bit offsets, arrays indexed by `__ARRAY_SIZE_TYPE__`, pointers, functions, and the
 * VAR/DATASEC records of global data. Types are deduplicated as they are added.
 */
import { COUNTERS_TAG, FuncLinkage, INTERNAL_TAG, RECORD_TAG_PREFIX, type Btf, type BtfType } from "@tsbpf/object";
import { kindCName, kindSize, isSigned, type IntKind } from "../checker/kinds.js";
import type { StructType, Type } from "../checker/types.js";
import { emittedFields } from "../core/local-btf.js";

export class BtfBuilder {
  private readonly types: BtfType[] = [];
  private readonly byKey = new Map<string, number>();
  private readonly structs = new Map<StructType, number>();

  get btf(): Btf {
    return { types: this.types };
  }

  private add(type: BtfType): number {
    this.types.push(type);
    return this.types.length;
  }

  /** Adds a type once per key (for types that are equal when their keys are). */
  private once(key: string, make: () => BtfType): number {
    const existing = this.byKey.get(key);
    if (existing !== undefined) return existing;
    const id = this.add(make());
    this.byKey.set(key, id);
    return id;
  }

  int(kind: IntKind): number {
    const size = kindSize(kind);
    return this.once(`int:${kind}`, () => ({
      kind: "int", name: kindCName(kind), size, signed: isSigned(kind), char: false, bool: kind === "bool", offset: 0, bits: size * 8,
    }));
  }

  /** C's plain `char` (signed on BPF), the element of CharArray. */
  char(): number {
    // clang encodes `char` as SIGNED (the kernel accepts only one encoding flag).
    return this.once("char", () => ({ kind: "int", name: "char", size: 1, signed: true, char: false, bool: false, offset: 0, bits: 8 }));
  }

  /** The `int` clang uses as the index type of every array. */
  private arrayIndex(): number {
    return this.once("__ARRAY_SIZE_TYPE__", () => ({
      kind: "int", name: "__ARRAY_SIZE_TYPE__", size: 4, signed: false, char: false, bool: false, offset: 0, bits: 32,
    }));
  }

  array(element: number, length: number): number {
    const index = this.arrayIndex();
    return this.once(`array:${element}:${length}`, () => ({ kind: "array", type: element, indexType: index, nelems: length }));
  }

  ptr(target: number): number {
    return this.once(`ptr:${target}`, () => ({ kind: "ptr", type: target }));
  }

  /** The BTF id of one of the compiler's types. */
  type(type: Type): number {
    switch (type.tag) {
      case "int": return this.int(type.kind);
      // Pointers to kernel structs are `void *` in our BTF: kernel types point at each other in
      // cycles, and CO-RE only compares pointers as pointers (libbpf's bpf_core_fields_are_compat).
      case "ptr": return this.ptr(type.pointee.tag === "struct" && type.pointee.kernel ? 0 : this.type(type.pointee));
      case "array": return this.array(type.char ? this.char() : this.type(type.element), type.length);
      case "void": return 0;
      case "struct": return this.struct(type);
    }
  }

  private struct(struct: StructType): number {
    const existing = this.structs.get(struct);
    if (existing !== undefined) return existing;
    // Kernel structs hold only the members the program accesses (core/local-btf.ts).
    const fields = struct.kernel ? emittedFields(struct).map((e) => e.field) : struct.fields;
    // Members first (they get lower ids), then the struct itself, as clang orders them.
    const members = fields.map((f) => ({ name: f.name, type: f.pointer ? this.ptr(0) : this.type(f.type), bitOffset: f.bits?.offset ?? f.offset * 8, bitfieldSize: f.bits?.size ?? 0 }));
    const id = this.add({ kind: struct.kernel?.union ? "union" : "struct", name: struct.name, size: struct.size, members });
    this.structs.set(struct, id);
    return id;
  }

  /** A named enum (CO-RE enum value relocations name one with the enumerators they ask about). */
  enumType(name: string, size: number, values: { name: string; value: bigint }[]): number {
    const key = `enum:${name}:${values.map((v) => v.name).join(",")}`;
    return this.once(key, () =>
      size === 8
        ? { kind: "enum64", name, size, signed: values.some((v) => v.value < 0n), values }
        : { kind: "enum", name, size, signed: values.some((v) => v.value < 0n), values: values.map((v) => ({ name: v.name, value: Number(v.value) })) },
    );
  }

  /** A named struct with the members given (a struct_ops variable's local view of a kernel struct). */
  namedStruct(name: string, size: number, members: { name: string; type: number; offset: number }[]): number {
    return this.add({ kind: "struct", name, size, members: members.map((m) => ({ name: m.name, type: m.type, bitOffset: m.offset * 8, bitfieldSize: 0 })) });
  }

  /** An anonymous struct of pointer members, as the `__uint`/`__type` macros of BTF-defined maps make. */
  mapStruct(members: { name: string; type: number }[]): number {
    return this.add({
      kind: "struct", name: "", size: members.length * 8,
      members: members.map((m, i) => ({ name: m.name, type: m.type, bitOffset: i * 64, bitfieldSize: 0 })),
    });
  }

  /** `int (*name)[value]`: how `__uint(name, value)` encodes an integer in a map definition. */
  uintMember(value: number): number {
    return this.ptr(this.array(this.int("i32"), value));
  }

  funcProto(returnType: number, params: { name: string; type: number }[]): number {
    return this.add({ kind: "func_proto", returnType, params });
  }

  func(name: string, proto: number, linkage: number = FuncLinkage.Global): number {
    return this.add({ kind: "func", name, type: proto, linkage });
  }

  variable(name: string, type: number, linkage: number): number {
    return this.add({ kind: "var", name, type, linkage });
  }

  /**
   * Names `type` as the record type of ring buffer `mapName` (a `tsbpf.record:` DECL_TAG; see
   * @tsbpf/object's record-tag.ts). A DECL_TAG may only point at a struct, union, typedef, var or
   * func, so other record types get a typedef to carry the tag.
   */
  recordTag(mapName: string, type: number): void {
    const target = this.types[type - 1];
    const tagged =
      target?.kind === "struct" || target?.kind === "union" || target?.kind === "typedef"
        ? type
        : this.add({ kind: "typedef", name: `${mapName}__record`, type });
    this.add({ kind: "decl_tag", name: RECORD_TAG_PREFIX + mapName, type: tagged, componentIdx: -1 });
  }

  /** Tags a `.maps` variable as internal (`tsbpf.internal`; @tsbpf/object's internal-tag.ts). */
  internalTag(variable: number): void {
    this.add({ kind: "decl_tag", name: INTERNAL_TAG, type: variable, componentIdx: -1 });
  }

  /** Tags a `.maps` variable as a perf event array of counters (`tsbpf.perf-counters`; @tsbpf/object's counters-tag.ts). */
  countersTag(variable: number): void {
    this.add({ kind: "decl_tag", name: COUNTERS_TAG, type: variable, componentIdx: -1 });
  }

  datasec(name: string, size: number, vars: { type: number; offset: number; size: number }[]): number {
    return this.add({ kind: "datasec", name, size, vars: [...vars].sort((a, b) => a.offset - b.offset) });
  }
}
