import { decodeBtf, MapType, type ObjectSpec } from "@tsbpf/object";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { resetFeatureCache } from "../features.js";
import { useDoor } from "../sys/door.js";
import { FakeKernel } from "../sys/fake.js";
import { BtfBuilder } from "../testing/btf.js";
import { loadObject } from "./load-object.js";
import { sanitizeBtf } from "./sanitize-btf.js";

describe("sanitizeBtf", () => {
  it("replaces kinds the kernel lacks by same-size stand-ins, keeping every id", () => {
    const b = new BtfBuilder();
    const int = b.int("int", 4, true);
    b.add({ kind: "decl_tag", name: "tsbpf.record", type: int, componentIdx: -1 });
    b.add({ kind: "type_tag", name: "user", type: int });
    b.add({ kind: "float", name: "double", size: 8 });
    b.add({ kind: "enum64", name: "big", size: 8, signed: false, values: [{ name: "X", value: 1n << 40n }] });
    b.add({ kind: "int", name: "char", size: 1, signed: true, char: true, bool: false, offset: 0, bits: 8 });
    const old = sanitizeBtf(b.btf, { declTag: false, typeTag: false, float: false, enum64: false });
    expect(old.types.map((t) => t.kind)).toEqual(["int", "int", "const", "struct", "union", "int"]);
    expect(old.types[3]).toMatchObject({ size: 8, members: [] });
    expect(old.types[5]).toMatchObject({ signed: false, char: true });
    expect(b.btf.types[1]!.kind).toBe("decl_tag"); // the original is untouched
    const current = sanitizeBtf(b.btf);
    expect(current.types.slice(0, 5)).toEqual(b.btf.types.slice(0, 5));
  });
});

describe("loading on a kernel without DECL_TAG (fake)", () => {
  let kernel: FakeKernel;
  let restore: () => void;
  beforeEach(() => {
    kernel = new FakeKernel();
    restore = useDoor(kernel);
    resetFeatureCache();
  });
  // The probes cached meanwhile were the fake's: forget them before the next file (isolate: false).
  afterEach(() => {
    restore();
    resetFeatureCache();
  });

  it("sends BTF without decl tags, and still decodes records with the original types", async () => {
    const b = new BtfBuilder();
    const u32 = b.int("u32", 4);
    const rec = b.struct("rec", [["pid", u32]]);
    b.add({ kind: "decl_tag", name: "tsbpf.record", type: rec, componentIdx: -1 });
    kernel.btfAccepts = (blob) => !decodeBtf(blob).types.some((t) => t.kind === "decl_tag");
    const spec: ObjectSpec = {
      license: "GPL",
      btf: b.btf,
      programs: [],
      maps: [{ name: "counts", kind: "btf-map", type: MapType.Hash, keySize: 4, valueSize: 4, maxEntries: 2, flags: 0, keyTypeId: u32, valueTypeId: rec }],
    };
    await using object = await loadObject(spec);
    const loaded = decodeBtf(kernel.btfs.at(-1)!);
    expect(loaded.types.map((t) => t.kind)).toEqual(["int", "struct", "int"]);
    expect(kernel.mapNamed("counts").btfValueTypeId).toBe(rec);
    expect(object.spec.btf.types[2]!.kind).toBe("decl_tag");
  });
});
