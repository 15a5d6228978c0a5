/**
 * A tiny builder of BTF models for tests: hand-made types without a compiler.
 *
 *   const b = new BtfBuilder();
 *   const u32 = b.int("u32", 4);
 *   const ev = b.struct("event", [["pid", u32], ["comm", b.array(b.char(), 16)]]);
 *
 * Struct members are laid out with natural alignment, as the compiler lays them out.
 */
import type { Btf, BtfMember, BtfType } from "@tsbpf/object";
import { alignOf, sizeOf } from "../btf/query.js";

export class BtfBuilder {
  readonly btf: Btf = { types: [] };
  #intIndex: number | undefined;

  /** Adds a type and returns its id. */
  add(type: BtfType): number {
    this.btf.types.push(type);
    return this.btf.types.length;
  }

  int(name: string, size: number, signed = false): number {
    return this.add({ kind: "int", name, size, signed, char: false, bool: false, offset: 0, bits: size * 8 });
  }

  char(): number {
    // As clang emits it: signed, without the CHAR encoding bit (the kernel allows one bit only).
    return this.add({ kind: "int", name: "char", size: 1, signed: true, char: false, bool: false, offset: 0, bits: 8 });
  }

  bool(): number {
    return this.add({ kind: "int", name: "bool", size: 1, signed: false, char: false, bool: true, offset: 0, bits: 8 });
  }

  /** The `__ARRAY_SIZE_TYPE__` int arrays index with (made once). */
  indexType(): number {
    this.#intIndex ??= this.int("__ARRAY_SIZE_TYPE__", 4);
    return this.#intIndex;
  }

  array(element: number, nelems: number): number {
    return this.add({ kind: "array", type: element, indexType: this.indexType(), nelems });
  }

  ptr(type: number): number {
    return this.add({ kind: "ptr", type });
  }

  typedef(name: string, type: number): number {
    return this.add({ kind: "typedef", name, type });
  }

  enum(name: string, values: [string, number][], size = 4): number {
    return this.add({ kind: "enum", name, size, signed: values.some(([, v]) => v < 0), values: values.map(([n, value]) => ({ name: n, value })) });
  }

  /** A struct with naturally aligned members (or explicit bit offsets / bitfields via the 3rd and 4th entries). */
  struct(name: string, members: ([string, number] | [string, number, number, number])[], kind: "struct" | "union" = "struct"): number {
    let offset = 0;
    let align = 1;
    const laid: BtfMember[] = [];
    for (const m of members) {
      const [memberName, type] = m;
      const a = alignOf(this.btf, type);
      align = Math.max(align, a);
      if (m.length === 4) {
        laid.push({ name: memberName, type, bitOffset: m[2], bitfieldSize: m[3] });
        offset = Math.max(offset, Math.ceil((m[2] + m[3]) / 8));
        continue;
      }
      if (kind === "union") {
        laid.push({ name: memberName, type, bitOffset: 0, bitfieldSize: 0 });
        offset = Math.max(offset, sizeOf(this.btf, type));
        continue;
      }
      offset = Math.ceil(offset / a) * a;
      laid.push({ name: memberName, type, bitOffset: offset * 8, bitfieldSize: 0 });
      offset += sizeOf(this.btf, type);
    }
    const size = Math.ceil(offset / align) * align;
    return this.add({ kind, name, size, members: laid });
  }

  funcProto(returnType: number, params: [string, number][] = []): number {
    return this.add({ kind: "func_proto", returnType, params: params.map(([name, type]) => ({ name, type })) });
  }

  /** A global FUNC with its FUNC_PROTO; returns the FUNC's id. */
  func(name: string, returnType: number, params: [string, number][] = []): number {
    const proto = this.funcProto(returnType, params);
    return this.add({ kind: "func", name, type: proto, linkage: 1 });
  }

  /** A VAR (global, allocated). */
  variable(name: string, type: number): number {
    return this.add({ kind: "var", name, type, linkage: 1 });
  }

  /** A DATASEC of `vars` ([var id, offset]) and total `size`. */
  datasec(name: string, size: number, vars: [number, number][]): number {
    return this.add({
      kind: "datasec",
      name,
      size,
      vars: vars.map(([type, offset]) => ({ type, offset, size: sizeOf(this.btf, type) })),
    });
  }
}
