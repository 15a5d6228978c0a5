// `tsbpf inspect` lists struct_ops variables: the kernel struct, which program each function
// member points at (NULL when unset) and the data members' values.
import { asm, readElf, writeElf, type ObjectSpec } from "@tsbpf/object";
import { expect, it } from "vitest";
import { formatInspect } from "./inspect-format.js";

function object(): ObjectSpec {
  const data = new Uint8Array(32);
  data.set(new TextEncoder().encode("demo"), 16);
  new DataView(data.buffer).setUint32(24, 7, true);
  return {
    license: "GPL",
    programs: [{ name: "one", section: "struct_ops/first", instructions: [asm.mov64Imm(0, 0), asm.exit()], mapReferences: [], funcInfo: [], lineInfo: [], coreRelocations: [] }],
    maps: [],
    btf: {
      types: [
        /* 1 */ { kind: "int", name: "int", size: 4, signed: true, char: false, bool: false, offset: 0, bits: 32 },
        /* 2 */ { kind: "func_proto", returnType: 1, params: [] },
        /* 3 */ { kind: "ptr", type: 2 },
        /* 4 */ { kind: "int", name: "char", size: 1, signed: true, char: false, bool: false, offset: 0, bits: 8 },
        /* 5 */ { kind: "array", type: 4, indexType: 1, nelems: 8 },
        /* 6 */ { kind: "struct", name: "demo_ops", size: 32, members: [
          { name: "first", type: 3, bitOffset: 0, bitfieldSize: 0 },
          { name: "second", type: 3, bitOffset: 64, bitfieldSize: 0 },
          { name: "name", type: 5, bitOffset: 128, bitfieldSize: 0 },
          { name: "flags", type: 1, bitOffset: 192, bitfieldSize: 0 },
        ] },
        /* 7 */ { kind: "var", name: "ops", type: 6, linkage: 1 },
        /* 8 */ { kind: "datasec", name: ".struct_ops", size: 32, vars: [{ type: 7, offset: 0, size: 32 }] },
      ],
    },
    structOps: [{ name: "ops", section: ".struct_ops", typeId: 6, data, functions: [{ offset: 0, program: "one" }] }],
  };
}

it("shows each struct_ops variable with its members", () => {
  const report = formatInspect(readElf(writeElf(object())), "demo.o", { sections: ["maps"] });
  expect(report).toContain("struct_ops (1)");
  expect(report).toMatch(/ops +\.struct_ops +demo_ops +first -> one, second -> NULL, name = "demo", flags = 7/);
});
