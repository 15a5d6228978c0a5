import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { ObjectFormatError } from "../errors.js";
import { everyKind } from "../testing/btf-fixtures.js";
import { hasVmlinuxBtf, missing, VMLINUX_BTF } from "../testing/kernel.js";
import { decodeBtf, encodeBtf } from "./codec.js";
import { essentialName } from "./flavor.js";
import { LazyBtf } from "./lazy.js";
import type { Btf } from "./types.js";

const json = (v: unknown) => JSON.stringify(v, (_k, x: unknown) => (typeof x === "bigint" ? `${x}n` : x));

describe("LazyBtf", () => {
  it("decodes every kind exactly as the eager decoder does", () => {
    const btf = everyKind();
    const lazy = LazyBtf.parse(encodeBtf(btf));
    expect(lazy.count).toBe(btf.types.length);
    expect(lazy.type(0)).toBeUndefined();
    expect(lazy.type(btf.types.length + 1)).toBeUndefined();
    for (const id of lazy.ids()) expect(lazy.type(id)).toEqual(btf.types[id - 1]);
    expect(lazy.type(6)).toBe(lazy.type(6)); // cached
    expect(lazy.toBtf().types).toEqual(btf.types);
  });

  it("finds types by name, exactly or by essential name (flavours stripped)", () => {
    const btf: Btf = {
      types: [
        { kind: "int", name: "int", size: 4, signed: true, char: false, bool: false, offset: 0, bits: 32 },
        { kind: "struct", name: "task_struct", size: 4, members: [{ name: "pid", type: 1, bitOffset: 0, bitfieldSize: 0 }] },
        { kind: "struct", name: "task_struct___old", size: 8, members: [] },
        { kind: "typedef", name: "task_struct", type: 2 },
        { kind: "struct", name: "a___b___c", size: 0, members: [] },
        { kind: "struct", name: "__u___x", size: 0, members: [] },
      ],
    };
    const lazy = LazyBtf.parse(encodeBtf(btf));
    expect(lazy.findByName("task_struct")?.id).toBe(2);
    expect(lazy.findByName("task_struct", "typedef")?.id).toBe(4);
    expect(lazy.findByName("task_struct___old")?.id).toBe(3);
    expect(lazy.findByName("task_struct___new")).toBeUndefined();
    expect(lazy.findByName("nope")).toBeUndefined();
    expect(lazy.ownIdsByEssentialName("task_struct")).toEqual([2, 3, 4]);
    expect(lazy.ownIdsByEssentialName("a___b")).toEqual([5]);
    expect(essentialName("a___b___c")).toBe("a___b");
    expect(essentialName("__u___x")).toBe("__u");
    expect(essentialName("x____y")).toBe("x____y"); // four underscores: Y would start with '_'
    expect(lazy.nameOf(3)).toBe("task_struct___old");
    expect(lazy.kindOf(2)).toBe(4);
  });

  it("reads split BTF over a lazy base", () => {
    const base = everyKind();
    const split: Btf = {
      firstTypeId: base.types.length + 1,
      base,
      types: [
        { kind: "ptr", type: 6 },
        { kind: "struct", name: "module_thing", size: 8, members: [{ name: "flags", type: 29, bitOffset: 0, bitfieldSize: 0 }] },
        { kind: "typedef", name: "u32", type: 1 },
      ],
    };
    const lazyBase = LazyBtf.parse(encodeBtf(base));
    const lazy = LazyBtf.parse(encodeBtf(split), lazyBase);
    expect(lazy.firstTypeId).toBe(base.types.length + 1);
    expect(lazy.type(30)).toEqual(split.types[1]);
    expect(lazy.type(31)).toMatchObject({ kind: "typedef", name: "u32" }); // a base string
    expect(lazy.type(6)).toEqual(base.types[5]);
    expect(lazy.findByName("module_thing")?.id).toBe(30);
    expect(lazy.findByName("flags", "struct")?.id).toBe(6); // from the base
    expect(lazy.toBtf().types).toEqual(split.types);
  });

  it("throws ObjectFormatError on malformed input", () => {
    const good = encodeBtf(everyKind());
    expect(() => LazyBtf.parse(new Uint8Array(10))).toThrow(ObjectFormatError);
    const badMagic = good.slice();
    badMagic[0] = 0;
    expect(() => LazyBtf.parse(badMagic)).toThrow(/bad magic/);
    expect(() => LazyBtf.parse(good.subarray(0, 60))).toThrow(/runs past the end/);
    const badKind = good.slice();
    badKind[24 + 7] = 30;
    expect(() => LazyBtf.parse(badKind)).toThrow(/type \[1\]: unknown kind 30/);
    const truncated = good.slice();
    new DataView(truncated.buffer).setUint32(12, 30, true);
    expect(() => LazyBtf.parse(truncated)).toThrow(ObjectFormatError);
    const badName = good.slice();
    new DataView(badName.buffer).setUint32(24, 0xffffff, true);
    expect(() => LazyBtf.parse(badName).type(1)).toThrow(/outside the string table/);
  });
});

describe("LazyBtf on vmlinux", () => {
  it("agrees with the eager decoder on every type and every name", (ctx) => {
    if (missing({ [VMLINUX_BTF]: hasVmlinuxBtf() })) return ctx.skip();
    const bytes = new Uint8Array(readFileSync(VMLINUX_BTF));
    const eager = decodeBtf(bytes);
    const lazy = LazyBtf.parse(bytes);
    expect(lazy.count).toBe(eager.types.length);
    const kinds = new Set<string>();
    for (let id = 1; id <= lazy.count; id++) {
      const type = lazy.type(id)!;
      kinds.add(type.kind);
      if (json(type) !== json(eager.types[id - 1])) expect(type).toEqual(eager.types[id - 1]);
    }
    expect(kinds.has("enum64") && kinds.has("float") && kinds.has("decl_tag") && kinds.has("func_proto")).toBe(true);
    // Every named type is found by its name, first of its kind as the eager index finds it.
    const fresh = LazyBtf.parse(bytes);
    const firstByName = new Map<string, number>();
    eager.types.forEach((t, i) => {
      const key = `${t.kind}:${"name" in t ? t.name : ""}`;
      if ("name" in t && t.name !== "" && !firstByName.has(key)) firstByName.set(key, i + 1);
    });
    for (const [key, id] of firstByName) {
      const [kind, name] = [key.slice(0, key.indexOf(":")), key.slice(key.indexOf(":") + 1)];
      const found = fresh.findByName(name, kind as never);
      if (found?.id !== id) expect({ key, id: found?.id }).toEqual({ key, id });
    }
    expect(fresh.findByName("task_struct", "struct")?.type).toMatchObject({ kind: "struct", name: "task_struct" });
  });
});
