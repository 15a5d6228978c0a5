/** BTF models shared by tests. */
import type { Btf } from "../btf/types.js";

/** One type of every kind, with the flag-carrying variants (bitfields, signed enums, unions). */
export function everyKind(): Btf {
  return {
    types: [
      /* 1 */ { kind: "int", name: "int", size: 4, signed: true, char: false, bool: false, offset: 0, bits: 32 },
      /* 2 */ { kind: "int", name: "unsigned char", size: 1, signed: false, char: true, bool: false, offset: 0, bits: 8 },
      /* 3 */ { kind: "int", name: "_Bool", size: 1, signed: false, char: false, bool: true, offset: 0, bits: 8 },
      /* 4 */ { kind: "ptr", type: 0 },
      /* 5 */ { kind: "array", type: 2, indexType: 1, nelems: 16 },
      /* 6 */ {
        kind: "struct", name: "flags", size: 8, members: [
          { name: "a", type: 1, bitOffset: 0, bitfieldSize: 3 },
          { name: "b", type: 1, bitOffset: 3, bitfieldSize: 29 },
          { name: "c", type: 1, bitOffset: 32, bitfieldSize: 0 },
        ],
      },
      /* 7 */ {
        kind: "union", name: "", size: 16, members: [
          { name: "raw", type: 5, bitOffset: 0, bitfieldSize: 0 },
          { name: "p", type: 4, bitOffset: 0, bitfieldSize: 0 },
        ],
      },
      /* 8 */ { kind: "enum", name: "color", size: 4, signed: false, values: [{ name: "RED", value: 0 }, { name: "BIG", value: 0xffffffff }] },
      /* 9 */ { kind: "enum", name: "delta", size: 4, signed: true, values: [{ name: "DOWN", value: -1 }, { name: "UP", value: 1 }] },
      /* 10 */ { kind: "fwd", name: "opaque", union: false },
      /* 11 */ { kind: "fwd", name: "opaque_u", union: true },
      /* 12 */ { kind: "typedef", name: "u32", type: 1 },
      /* 13 */ { kind: "volatile", name: "", type: 12 },
      /* 14 */ { kind: "const", name: "", type: 13 },
      /* 15 */ { kind: "restrict", name: "", type: 4 },
      /* 16 */ { kind: "func_proto", returnType: 1, params: [{ name: "ctx", type: 4 }, { name: "", type: 0 }] },
      /* 17 */ { kind: "func", name: "handler", type: 16, linkage: 1 },
      /* 18 */ { kind: "var", name: "target_pid", type: 14, linkage: 1 },
      /* 19 */ { kind: "datasec", name: ".rodata", size: 4, vars: [{ type: 18, offset: 0, size: 4 }] },
      /* 20 */ { kind: "float", name: "double", size: 8 },
      /* 21 */ { kind: "decl_tag", name: "tag", type: 6, componentIdx: 1 },
      /* 22 */ { kind: "decl_tag", name: "whole", type: 17, componentIdx: -1 },
      /* 23 */ { kind: "type_tag", name: "user", type: 1 },
      /* 24 */ {
        kind: "enum64", name: "wide", size: 8, signed: false,
        values: [{ name: "MAX", value: 0xffff_ffff_ffff_ffffn }, { name: "ONE", value: 1n }],
      },
      /* 25 */ { kind: "enum64", name: "swide", size: 8, signed: true, values: [{ name: "MIN", value: -(2n ** 63n) }] },
      /* 26 */ { kind: "decl_tag", name: "attr", type: 17, componentIdx: -1, attribute: true },
      /* 27 */ { kind: "type_tag", name: "percpu", type: 1, attribute: true },
      /* 28 */ { kind: "func", name: "ünïcode", type: 16, linkage: 0 },
    ],
  };
}
