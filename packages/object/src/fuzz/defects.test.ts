/**
 * One regression test for each parser defect issue 14 lists (found by a mutation campaign over
 * main): BTF that the kernel refuses was accepted, and the query layer then threw RangeError;
 * LazyBtf spent seconds on a vmlinux BTF whose string section overlaps its type section.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { decodeBtf, encodeBtf } from "../btf/codec.js";
import { LazyBtf } from "../btf/lazy.js";
import { resolveModifiers, typeById, typeSize, typeSizeVia } from "../btf/query.js";
import type { Btf, BtfType } from "../btf/types.js";
import { ObjectFormatError } from "../errors.js";
import { hasVmlinuxBtf, missing, VMLINUX_BTF } from "../testing/kernel.js";

const int: BtfType = { kind: "int", name: "int", size: 4, signed: true, char: false, bool: false, offset: 0, bits: 32 };

/** Encodes a model without validation (the encoder writes what it is given), then decodes it. */
const decodeOf = (types: BtfType[]) => () => decodeBtf(encodeBtf({ types }));

describe("BTF the kernel refuses is refused with ObjectFormatError", () => {
  it("a dangling type id", () => {
    expect(decodeOf([int, { kind: "ptr", type: 7 }])).toThrow(/type \[2\] \(ptr\): type refers to type id 7, which does not exist/);
    expect(decodeOf([int, { kind: "struct", name: "s", size: 4, members: [{ name: "x", type: 9, bitOffset: 0, bitfieldSize: 0 }] }])).toThrow(ObjectFormatError);
  });

  it("a cycle of modifiers, or of pointers and modifiers", () => {
    expect(decodeOf([{ kind: "typedef", name: "a", type: 2 }, { kind: "const", name: "", type: 1 }])).toThrow(/loop detected/);
    expect(decodeOf([{ kind: "ptr", type: 2 }, { kind: "volatile", name: "", type: 1 }])).toThrow(/loop detected/);
    // a struct containing itself by value, through an array
    expect(decodeOf([int, { kind: "struct", name: "s", size: 8, members: [{ name: "a", type: 3, bitOffset: 0, bitfieldSize: 0 }] }, { kind: "array", type: 2, indexType: 1, nelems: 1 }])).toThrow(/loop detected/);
  });

  it("keeps what is legal: a struct pointing at itself", () => {
    const btf = decodeOf([int, { kind: "struct", name: "node", size: 8, members: [{ name: "next", type: 3, bitOffset: 0, bitfieldSize: 0 }] }, { kind: "ptr", type: 2 }])();
    expect(typeSize(btf, 2)).toBe(8);
  });

  it("an array of functions (or of any sizeless kind)", () => {
    const proto: BtfType = { kind: "func_proto", returnType: 1, params: [] };
    expect(decodeOf([int, proto, { kind: "func", name: "f", type: 2, linkage: 0 }, { kind: "array", type: 3, indexType: 1, nelems: 2 }])).toThrow(/type \[4\] \(array\): refers|element type 3 has no size/);
    expect(decodeOf([int, proto, { kind: "array", type: 2, indexType: 1, nelems: 2 }])).toThrow(/element type 2 has no size/);
  });

  it("sizes: an array past 4 GB, a member outside its struct, an INT wider than its bytes", () => {
    expect(decodeOf([int, { kind: "array", type: 1, indexType: 1, nelems: 0x40000001 }])).toThrow(/overflow 32 bits/);
    expect(decodeOf([int, { kind: "struct", name: "s", size: 4, members: [{ name: "x", type: 1, bitOffset: 32, bitfieldSize: 0 }] }])).toThrow(/past the 4-byte struct/);
    expect(decodeOf([{ ...int, bits: 64 } as BtfType])).toThrow(/64 bits do not fit 4 bytes/);
  });
});

describe("the query layer throws ObjectFormatError, never RangeError", () => {
  const cyclic: Btf = { types: [{ kind: "typedef", name: "a", type: 2 }, { kind: "typedef", name: "b", type: 1 }] };
  it("typeById of void and of a missing id", () => {
    expect(() => typeById({ types: [int] }, 0)).toThrow(ObjectFormatError);
    expect(() => typeById({ types: [int] }, 5)).toThrow(ObjectFormatError);
  });
  it("resolveModifiers on a cycle", () => expect(() => resolveModifiers(cyclic, 1)).toThrow(ObjectFormatError));
  it("typeSizeVia on a cycle, a dangling id and a sizeless kind", () => {
    expect(() => typeSizeVia((id) => cyclic.types[id - 1], 1)).toThrow(ObjectFormatError);
    expect(() => typeSizeVia(() => undefined, 3)).toThrow(ObjectFormatError);
    expect(() => typeSize({ types: [{ kind: "func_proto", returnType: 0, params: [] }] }, 1)).toThrow(ObjectFormatError);
  });
  it("LazyBtf.typeById of a missing id, and of a type whose reference dangles", () => {
    const lazy = LazyBtf.parse(encodeBtf({ types: [int, { kind: "ptr", type: 40 }] }));
    expect(() => lazy.typeById(9)).toThrow(ObjectFormatError);
    expect(() => lazy.type(2)).toThrow(/refers to type id 40, which does not exist/);
  });
});

describe("overlapping sections", () => {
  it("a vmlinux BTF whose string section overlaps its type section is refused at once", (ctx) => {
    if (missing({ [VMLINUX_BTF]: hasVmlinuxBtf() })) return ctx.skip();
    const bytes = new Uint8Array(readFileSync(VMLINUX_BTF));
    const view = new DataView(bytes.buffer);
    // str_off moved into the middle of the type section, str_len kept inside the blob.
    const typeLen = view.getUint32(12, true);
    view.setUint32(16, Math.floor(typeLen / 2) & ~3, true);
    expect(() => LazyBtf.parse(bytes)).toThrow(/string section .* overlaps the type section/);
    expect(() => decodeBtf(bytes)).toThrow(/overlaps the type section/);
  });
});
