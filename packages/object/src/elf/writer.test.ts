import { describe, expect, it } from "vitest";
import { ObjectSpecError } from "../errors.js";
import * as asm from "../isa/builders.js";
import { AluOp } from "../isa/instruction.js";
import type { ObjectSpec } from "../spec.js";
import { decodeInstructions } from "../isa/codec.js";
import { disassemble } from "../isa/disasm.js";
import { sampleSpec } from "../testing/sample-spec.js";
import { R_BPF, SHT, STB, STT } from "./constants.js";
import { parseElf } from "./file.js";
import { readElf } from "./reader.js";
import { writeElf } from "./writer.js";

describe("writeElf", () => {
  it("is read back as the same spec", () => {
    const spec = sampleSpec();
    expect(readElf(writeElf(spec))).toEqual(spec);
  });

  it("is deterministic", () => {
    expect(writeElf(sampleSpec())).toEqual(writeElf(sampleSpec()));
  });

  it("lays out sections, symbols and relocations as libbpf expects", () => {
    const elf = parseElf(writeElf(sampleSpec()));
    const names = elf.sections.map((s) => s.name);
    expect(names).toEqual([
      "",
      ".text",
      ".rel.text",
      "tracepoint/syscalls/sys_enter_write",
      ".reltracepoint/syscalls/sys_enter_write",
      "tracepoint/syscalls/sys_enter_read",
      ".reltracepoint/syscalls/sys_enter_read",
      "license",
      ".rodata",
      ".data",
      ".bss",
      ".maps",
      ".BTF",
      ".BTF.ext",
      ".symtab",
      ".strtab",
    ]);
    const section = (name: string) => elf.sections.find((s) => s.name === name)!;
    expect(section(".bss").type).toBe(SHT.NOBITS);
    expect(section(".bss").size).toBe(4);
    expect(new TextDecoder().decode(section("license").data)).toBe("Dual BSD/GPL\0");
    // add_one is written once although two programs carry it
    expect(section(".text").size).toBe(5 * 8);
    expect(section("tracepoint/syscalls/sys_enter_write").size).toBe((9 + 2) * 8);

    const sym = (name: string) => elf.symbols.find((s) => s.name === name)!;
    expect(sym("handle_write")).toMatchObject({ bind: STB.GLOBAL, type: STT.FUNC, value: 0, size: 72 });
    expect(sym("second_write")).toMatchObject({ bind: STB.GLOBAL, type: STT.FUNC, value: 72, size: 16 });
    expect(sym("add_one")).toMatchObject({ bind: STB.LOCAL, type: STT.FUNC, value: 0, size: 40 });
    expect(sym("starts")).toMatchObject({ bind: STB.GLOBAL, type: STT.OBJECT, shndx: section(".maps").index, value: 0, size: 32 });
    expect(sym("min_ts")).toMatchObject({ bind: STB.GLOBAL, type: STT.OBJECT, shndx: section(".rodata").index, value: 8, size: 8 });
    const symtab = section(".symtab");
    const firstGlobal = elf.symbols.findIndex((s) => s.bind !== STB.LOCAL);
    expect(symtab.info).toBe(firstGlobal);
    expect(elf.symbols.slice(firstGlobal).every((s) => s.bind !== STB.LOCAL)).toBe(true);

    const relocs = elf.relocations.get(section("tracepoint/syscalls/sys_enter_write").index)!;
    expect(relocs.map((r) => [r.offset, r.type, r.symbol.type === STT.SECTION ? elf.sections[r.symbol.shndx]!.name : r.symbol.name])).toEqual([
      [0, R_BPF.R_64_64, "starts"],
      [16, R_BPF.R_64_64, ".rodata"],
      [48, R_BPF.R_64_32, ".text"],
    ]);
    // clang's form: src_reg 0, the value offset in imm, calls relative to .text's start
    expect(disassemble(decodeInstructions(section("tracepoint/syscalls/sys_enter_write").data)).slice(0, 5)).toEqual([
      "0: r1 = 0x0 ll",
      "2: r2 = 0x8 ll",
      "4: r0 = *(u64 *)(r2 +0)",
      "5: r1 = 5",
      "6: call pc-1",
    ]);
  });

  it("writes a spec without BTF or maps, omitting .BTF (the kernel rejects an empty one)", () => {
    const spec: ObjectSpec = {
      license: "GPL",
      programs: [{ name: "pass", section: "xdp", instructions: [asm.mov64Imm(0, 2), asm.exit()], mapReferences: [], funcInfo: [], lineInfo: [], coreRelocations: [] }],
      maps: [],
      btf: { types: [] },
    };
    const bytes = writeElf(spec);
    expect(parseElf(bytes).sections.map((s) => s.name)).toEqual(["", "xdp", "license", ".symtab", ".strtab"]);
    expect(readElf(bytes)).toEqual(spec);
  });

  it("keeps differing subprograms of the same name apart", () => {
    const spec = sampleSpec();
    const countRead = spec.programs[2]!;
    countRead.instructions[8] = asm.alu64Imm(AluOp.ADD, 0, 2); // this program's add_one adds 2
    const elf = parseElf(writeElf(spec));
    expect(elf.sections.find((s) => s.name === ".text")!.size).toBe(2 * 5 * 8);
    expect(elf.symbols.filter((s) => s.name === "add_one")).toHaveLength(2);
    expect(readElf(writeElf(spec))).toEqual(spec);
  });

  it("reports specs it cannot write", () => {
    const noVar = sampleSpec();
    noVar.maps.push({ name: "ghost", kind: "btf-map", type: 1, keySize: 4, valueSize: 4, maxEntries: 1, flags: 0, keyTypeId: 0, valueTypeId: 0 });
    expect(() => writeElf(noVar)).toThrow(/maps without a VAR in the BTF DATASEC '.maps': 'ghost'/);

    const badName = sampleSpec();
    badName.maps[1]!.name = "rodata";
    expect(() => writeElf(badName)).toThrow(ObjectSpecError);

    const badRef = sampleSpec();
    badRef.programs[0]!.mapReferences[0]!.instruction = 4;
    expect(() => writeElf(badRef)).toThrow(/not an ld_imm64/);

    const text = sampleSpec();
    text.programs[0]!.section = ".text";
    expect(() => writeElf(text)).toThrow(/cannot hold a program/);

    const wild = sampleSpec();
    wild.programs[1]!.instructions[0] = { code: 0x85, dst: 0, src: 1, off: 0, imm: 40 };
    expect(() => writeElf(wild)).toThrow(/targets 41, outside/);
  });
});
