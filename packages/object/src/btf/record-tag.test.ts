import { describe, expect, it } from "vitest";
import { recordTypeOf, RECORD_TAG_PREFIX } from "./record-tag.js";
import type { Btf } from "./types.js";

describe("ring buffer record tags", () => {
  const btf: Btf = {
    types: [
      { kind: "int", name: "int", size: 4, signed: true, char: false, bool: false, offset: 0, bits: 32 },
      { kind: "struct", name: "event", size: 4, members: [{ name: "pid", type: 1, bitOffset: 0, bitfieldSize: 0 }] },
      { kind: "struct", name: "other", size: 4, members: [{ name: "x", type: 1, bitOffset: 0, bitfieldSize: 0 }] },
      { kind: "decl_tag", name: `${RECORD_TAG_PREFIX}events`, type: 2, componentIdx: -1 },
      { kind: "decl_tag", name: `${RECORD_TAG_PREFIX}others`, type: 3, componentIdx: -1 },
      { kind: "decl_tag", name: `${RECORD_TAG_PREFIX}members`, type: 3, componentIdx: 0 },
    ],
  };

  it("finds the tagged type of each map by name", () => {
    expect(recordTypeOf(btf, "events")).toBe(2);
    expect(recordTypeOf(btf, "others")).toBe(3);
  });

  it("ignores member tags and unknown maps", () => {
    expect(recordTypeOf(btf, "members")).toBe(0);
    expect(recordTypeOf(btf, "missing")).toBe(0);
  });
});
