import { describe, expect, it } from "vitest";
import { findTypeByName, lastTypeId, resolveModifiers, tryTypeById, typeById, typeSize } from "./query.js";
import type { Btf } from "./types.js";

const btf: Btf = {
  types: [
    /* 1 */ { kind: "int", name: "unsigned int", size: 4, signed: false, char: false, bool: false, offset: 0, bits: 32 },
    /* 2 */ { kind: "typedef", name: "u32", type: 1 },
    /* 3 */ { kind: "const", name: "", type: 2 },
    /* 4 */ { kind: "volatile", name: "", type: 3 },
    /* 5 */ { kind: "array", type: 4, indexType: 1, nelems: 10 },
    /* 6 */ { kind: "array", type: 5, indexType: 1, nelems: 3 },
    /* 7 */ { kind: "ptr", type: 0 },
    /* 8 */ { kind: "struct", name: "pair", size: 16, members: [] },
    /* 9 */ { kind: "var", name: "v", type: 6, linkage: 1 },
    /* 10 */ { kind: "func_proto", returnType: 0, params: [] },
    /* 11 */ { kind: "typedef", name: "loop", type: 12 },
    /* 12 */ { kind: "typedef", name: "loop2", type: 11 },
    /* 13 */ { kind: "fwd", name: "pair", union: false },
    /* 14 */ { kind: "type_tag", name: "user", type: 7 },
  ],
};

describe("BTF queries", () => {
  it("looks types up by id", () => {
    expect(typeById(btf, 2)).toEqual({ kind: "typedef", name: "u32", type: 1 });
    expect(() => typeById(btf, 0)).toThrow(/void/);
    expect(() => typeById(btf, 99)).toThrow(/99 does not exist/);
    expect(tryTypeById(btf, 99)).toBeUndefined();
    expect(lastTypeId(btf)).toBe(14);
  });

  it("skips typedefs and qualifiers", () => {
    expect(resolveModifiers(btf, 4)).toBe(1);
    expect(resolveModifiers(btf, 14)).toBe(7);
    expect(resolveModifiers(btf, 1)).toBe(1);
    expect(resolveModifiers(btf, 0)).toBe(0);
    expect(() => resolveModifiers(btf, 11)).toThrow(/cycle/);
  });

  it("sizes types like libbpf's btf__resolve_size", () => {
    expect(typeSize(btf, 4)).toBe(4);
    expect(typeSize(btf, 6)).toBe(120);
    expect(typeSize(btf, 9)).toBe(120);
    expect(typeSize(btf, 7)).toBe(8);
    expect(typeSize(btf, 8)).toBe(16);
    expect(() => typeSize(btf, 10)).toThrow(/has no size/);
    expect(() => typeSize(btf, 13)).toThrow(/has no size/);
  });

  it("finds types by name and kind", () => {
    expect(findTypeByName(btf, "pair")?.id).toBe(8);
    expect(findTypeByName(btf, "pair", "fwd")?.id).toBe(13);
    expect(findTypeByName(btf, "pair", "union")).toBeUndefined();
    expect(findTypeByName(btf, "nope")).toBeUndefined();
  });

  it("sees types appended after the first lookup", () => {
    const grown: Btf = { types: [...btf.types] };
    expect(findTypeByName(grown, "late")).toBeUndefined();
    grown.types.push({ kind: "float", name: "late", size: 8 });
    expect(findTypeByName(grown, "late")?.id).toBe(15);
  });
});
