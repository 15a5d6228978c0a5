// struct_ops variables go into `.struct_ops` with R_BPF_64_ABS64 relocations from their function
// members to the programs' symbols, and read back the same; a malformed section is an
// ObjectFormatError that names it.
import { describe, expect, it } from "vitest";
import { ObjectFormatError, ObjectSpecError } from "../errors.js";
import * as asm from "../isa/builders.js";
import type { ObjectSpec } from "../spec.js";
import { parseElf } from "./file.js";
import { readElf } from "./reader.js";
import { writeElf } from "./writer.js";
import { R_BPF } from "./constants.js";

/** Two struct_ops programs and `demo_ops ops = { .first = one, .second = two, .name = "demo" }`. */
function spec(functions = [{ offset: 0, program: "one" }, { offset: 8, program: "two" }]): ObjectSpec {
  const program = (name: string, section: string) => ({
    name, section, instructions: [asm.mov64Imm(0, 0), asm.exit()], mapReferences: [], funcInfo: [], lineInfo: [], coreRelocations: [],
  });
  const data = new Uint8Array(24);
  data.set(new TextEncoder().encode("demo"), 16);
  return {
    license: "GPL",
    programs: [program("one", "struct_ops/first"), program("two", "struct_ops/second")],
    maps: [],
    btf: {
      types: [
        /* 1 */ { kind: "int", name: "int", size: 4, signed: true, char: false, bool: false, offset: 0, bits: 32 },
        /* 2 */ { kind: "func_proto", returnType: 1, params: [] },
        /* 3 */ { kind: "ptr", type: 2 },
        /* 4 */ { kind: "int", name: "char", size: 1, signed: true, char: false, bool: false, offset: 0, bits: 8 },
        /* 5 */ { kind: "array", type: 4, indexType: 1, nelems: 8 },
        /* 6 */ { kind: "struct", name: "demo_ops", size: 24, members: [
          { name: "first", type: 3, bitOffset: 0, bitfieldSize: 0 },
          { name: "second", type: 3, bitOffset: 64, bitfieldSize: 0 },
          { name: "name", type: 5, bitOffset: 128, bitfieldSize: 0 },
        ] },
        /* 7 */ { kind: "var", name: "ops", type: 6, linkage: 1 },
        /* 8 */ { kind: "datasec", name: ".struct_ops", size: 24, vars: [{ type: 7, offset: 0, size: 24 }] },
      ],
    },
    structOps: [{ name: "ops", section: ".struct_ops", typeId: 6, data, functions }],
  };
}

function thrown(f: () => unknown): unknown {
  try {
    f();
  } catch (error) {
    return error;
  }
  return undefined;
}

describe(".struct_ops", () => {
  it("is written as clang writes it and reads back the same", () => {
    const bytes = writeElf(spec());
    const elf = parseElf(bytes);
    const section = elf.sections.find((s) => s.name === ".struct_ops")!;
    expect(section.data.subarray(16, 20)).toEqual(new TextEncoder().encode("demo"));
    const relocs = elf.relocations.get(section.index)!;
    expect(relocs.map((r) => [r.offset, r.type, r.symbol.name])).toEqual([[0, R_BPF.R_64_ABS64, "one"], [8, R_BPF.R_64_ABS64, "two"]]);
    expect(elf.symbols.find((s) => s.name === "ops")).toMatchObject({ shndx: section.index, value: 0, size: 24 });
    expect(readElf(bytes).structOps).toEqual(spec().structOps);
  });

  it("refuses a function member pointed at a program the object lacks", () => {
    expect(() => writeElf(spec([{ offset: 0, program: "none" }]))).toThrow(ObjectSpecError);
  });

  it("names the section when a relocation sets a data member", () => {
    const error = thrown(() => readElf(writeElf(spec([{ offset: 16, program: "one" }]))));
    expect(error).toBeInstanceOf(ObjectFormatError);
    expect((error as ObjectFormatError).section).toBe(".struct_ops");
    expect((error as Error).message).toMatch(/not a function-pointer member/);
  });

  it("names the section when its DATASEC is missing", () => {
    const bytes = writeElf(spec());
    // Rename the DATASEC inside .BTF's strings; the ELF section keeps its name.
    const btf = parseElf(bytes).sections.find((s) => s.name === ".BTF")!;
    const start = btf.data.byteOffset - bytes.byteOffset;
    const at = new TextDecoder("latin1").decode(btf.data).indexOf(".struct_ops\0");
    expect(at).toBeGreaterThan(0);
    const copy = bytes.slice();
    copy[start + at + 1] = "x".charCodeAt(0);
    const error = thrown(() => readElf(copy));
    expect(error).toBeInstanceOf(ObjectFormatError);
    expect((error as ObjectFormatError).section).toBe(".struct_ops");
  });
});
