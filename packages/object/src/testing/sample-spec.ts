/**
 * A small but complete ObjectSpec, built by hand the way the compiler will build one: three
 * tracepoint programs (two sharing a section), a static subprogram called from two of them, a
 * BTF-defined hash map, `.rodata`/`.data`/`.bss` variables, FUNC/FUNC_PROTO, func_info and
 * line_info. Instructions are in the reader's canonical form, so that `readElf(writeElf(spec))`
 * must give back exactly this spec.
 */
import * as asm from "../isa/builders.js";
import { AluOp, type Instruction } from "../isa/instruction.js";
import type { Btf } from "../btf/types.js";
import type { LineInfo, ObjectSpec } from "../spec.js";

const T = {
  int: 1,
  uint: 2,
  voidPtr: 3,
  progProto: 4,
  handleWrite: 5,
  addOneProto: 6,
  addOne: 7,
  u64: 13,
  mapsSec: 17,
  rodataSec: 24,
  bssSec: 26,
  dataSec: 28,
  secondWrite: 29,
  countRead: 30,
} as const;

export function sampleBtf(): Btf {
  return {
    types: [
      /* 1 */ { kind: "int", name: "int", size: 4, signed: true, char: false, bool: false, offset: 0, bits: 32 },
      /* 2 */ { kind: "int", name: "unsigned int", size: 4, signed: false, char: false, bool: false, offset: 0, bits: 32 },
      /* 3 */ { kind: "ptr", type: 0 },
      /* 4 */ { kind: "func_proto", returnType: 1, params: [{ name: "ctx", type: 3 }] },
      /* 5 */ { kind: "func", name: "handle_write", type: 4, linkage: 1 },
      /* 6 */ { kind: "func_proto", returnType: 2, params: [{ name: "x", type: 2 }] },
      /* 7 */ { kind: "func", name: "add_one", type: 6, linkage: 0 },
      /* 8 */ { kind: "array", type: 1, indexType: 2, nelems: 1 }, // BPF_MAP_TYPE_HASH
      /* 9 */ { kind: "ptr", type: 8 },
      /* 10 */ { kind: "array", type: 1, indexType: 2, nelems: 1024 },
      /* 11 */ { kind: "ptr", type: 10 },
      /* 12 */ { kind: "ptr", type: 2 },
      /* 13 */ { kind: "int", name: "unsigned long long", size: 8, signed: false, char: false, bool: false, offset: 0, bits: 64 },
      /* 14 */ { kind: "ptr", type: 13 },
      /* 15 */ {
        kind: "struct", name: "", size: 32, members: [
          { name: "type", type: 9, bitOffset: 0, bitfieldSize: 0 },
          { name: "max_entries", type: 11, bitOffset: 64, bitfieldSize: 0 },
          { name: "key", type: 12, bitOffset: 128, bitfieldSize: 0 },
          { name: "value", type: 14, bitOffset: 192, bitfieldSize: 0 },
        ],
      },
      /* 16 */ { kind: "var", name: "starts", type: 15, linkage: 1 },
      /* 17 */ { kind: "datasec", name: ".maps", size: 32, vars: [{ type: 16, offset: 0, size: 32 }] },
      /* 18 */ { kind: "volatile", name: "", type: 2 },
      /* 19 */ { kind: "const", name: "", type: 18 },
      /* 20 */ { kind: "var", name: "target_pid", type: 19, linkage: 1 },
      /* 21 */ { kind: "volatile", name: "", type: 13 },
      /* 22 */ { kind: "const", name: "", type: 21 },
      /* 23 */ { kind: "var", name: "min_ts", type: 22, linkage: 1 },
      /* 24 */ { kind: "datasec", name: ".rodata", size: 16, vars: [{ type: 20, offset: 0, size: 4 }, { type: 23, offset: 8, size: 8 }] },
      /* 25 */ { kind: "var", name: "hits", type: 2, linkage: 1 },
      /* 26 */ { kind: "datasec", name: ".bss", size: 4, vars: [{ type: 25, offset: 0, size: 4 }] },
      /* 27 */ { kind: "var", name: "total", type: 13, linkage: 1 },
      /* 28 */ { kind: "datasec", name: ".data", size: 8, vars: [{ type: 27, offset: 0, size: 8 }] },
      /* 29 */ { kind: "func", name: "second_write", type: 4, linkage: 1 },
      /* 30 */ { kind: "func", name: "count_read", type: 4, linkage: 1 },
    ],
  };
}

/** `ld_imm64` in canonical form: a map (fd 0) or a value address (fd 0, offset in the second slot). */
function ldMap(dst: number): Instruction[] {
  return asm.ldMapFd(dst, 0);
}
function ldValue(dst: number, offset: number): Instruction[] {
  return asm.ldMapValue(dst, 0, offset);
}

/** add_one(x): return hits + x. Appended to each program that calls it. */
function addOne(): Instruction[] {
  return [...ldValue(2, 0), asm.ldx("u32", 0, 2, 0), asm.alu64Reg(AluOp.ADD, 0, 1), asm.exit()];
}

function line(instruction: number, line: number, text: string, column = 3): LineInfo {
  return { instruction, fileName: "probes/sample.bpf.ts", lineText: text, line, column };
}

export function sampleSpec(): ObjectSpec {
  const handleWrite = [
    ...ldMap(1), // 0: r1 = starts
    ...ldValue(2, 8), // 2: r2 = &min_ts
    asm.ldx("u64", 0, 2, 0), // 4
    asm.mov64Imm(1, 5), // 5
    asm.callPseudo(2), // 6: add_one at 9
    asm.mov64Imm(0, 0), // 7
    asm.exit(), // 8
    ...addOne(), // 9
  ];
  const countRead = [
    ...ldValue(2, 0), // 0: r2 = &total (.data)
    asm.ldx("u64", 1, 2, 0), // 2
    asm.callPseudo(2), // 3: add_one at 6
    asm.mov64Imm(0, 0), // 4
    asm.exit(), // 5
    ...addOne(), // 6
  ];
  const contents = new Uint8Array(16);
  new DataView(contents.buffer).setBigUint64(8, 7n, true); // min_ts = 7
  const data = new Uint8Array(8);
  data[0] = 3; // total = 3
  return {
    license: "Dual BSD/GPL",
    programs: [
      {
        name: "handle_write",
        section: "tracepoint/syscalls/sys_enter_write",
        instructions: handleWrite,
        mapReferences: [
          { instruction: 0, map: "starts", kind: "map", offset: 0 },
          { instruction: 2, map: ".rodata", kind: "value", offset: 8 },
          { instruction: 9, map: ".bss", kind: "value", offset: 0 },
        ],
        funcInfo: [
          { instruction: 0, typeId: T.handleWrite },
          { instruction: 9, typeId: T.addOne },
        ],
        lineInfo: [line(0, 10, "const starts = this.starts;"), line(6, 12, "addOne(5);", 5), line(9, 20, "return this.hits + x;")],
        coreRelocations: [],
      },
      {
        name: "second_write",
        section: "tracepoint/syscalls/sys_enter_write",
        instructions: [asm.mov64Imm(0, 0), asm.exit()],
        mapReferences: [],
        funcInfo: [{ instruction: 0, typeId: T.secondWrite }],
        lineInfo: [line(0, 30, "return 0;")],
        coreRelocations: [],
      },
      {
        name: "count_read",
        section: "tracepoint/syscalls/sys_enter_read",
        instructions: countRead,
        mapReferences: [
          { instruction: 0, map: ".data", kind: "value", offset: 0 },
          { instruction: 6, map: ".bss", kind: "value", offset: 0 },
        ],
        funcInfo: [
          { instruction: 0, typeId: T.countRead },
          { instruction: 6, typeId: T.addOne },
        ],
        lineInfo: [line(0, 40, "const total = this.total;"), line(6, 20, "return this.hits + x;")],
        coreRelocations: [],
      },
    ],
    maps: [
      { name: "starts", kind: "btf-map", type: 1, keySize: 4, valueSize: 8, maxEntries: 1024, flags: 0, keyTypeId: T.uint, valueTypeId: T.u64 },
      { name: ".rodata", kind: "rodata", type: 2, keySize: 4, valueSize: 16, maxEntries: 1, flags: 0x80, keyTypeId: 0, valueTypeId: T.rodataSec, contents },
      { name: ".data", kind: "data", type: 2, keySize: 4, valueSize: 8, maxEntries: 1, flags: 0, keyTypeId: 0, valueTypeId: T.dataSec, contents: data },
      { name: ".bss", kind: "bss", type: 2, keySize: 4, valueSize: 4, maxEntries: 1, flags: 0, keyTypeId: 0, valueTypeId: T.bssSec },
    ],
    btf: sampleBtf(),
  };
}

