/**
 * The reader against clang's own objects (`clang -O2 -g -target bpf`), and the writer against
 * what the reader made of them: read → write → load with libbpf, read → write → read.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { typeById } from "../btf/query.js";
import type { BtfDatasec } from "../btf/types.js";
import { disassemble, formatInstruction } from "../isa/disasm.js";
import { CallSrc, PseudoSrc } from "../isa/instruction.js";
import type { ObjectSpec, ProgramSpec } from "../spec.js";
import { compileFixture, hasBpfClang } from "../testing/clang.js";
import { hasTool, isRoot, missing } from "../testing/kernel.js";
import { readElf } from "./reader.js";
import { writeElf } from "./writer.js";

let dir = "";
let sample: Uint8Array | undefined;
let externs: Uint8Array | undefined;
let mapsObject: Uint8Array | undefined;
let skipReason: string | undefined;

beforeAll(() => {
  skipReason = missing({ "clang with libbpf headers (apt-get install -y clang libbpf-dev)": hasBpfClang() });
  if (skipReason) return;
  dir = mkdtempSync(join(tmpdir(), "tsbpf-clang-"));
  sample = compileFixture("sample.bpf.c", dir);
  externs = compileFixture("externs.bpf.c", dir);
  mapsObject = compileFixture("maps.bpf.c", dir);
});

let pinned: string | undefined;

/** The clang object loaded by bpftool once, its programs pinned for the tests that inspect them. */
function loadedSample(): string {
  if (pinned === undefined) {
    const file = join(dir, "sample.bpf.o");
    writeFileSync(file, sample!);
    const pins = `/sys/fs/bpf/tsbpf-clang-${process.pid}-${Date.now()}`;
    execFileSync("bpftool", ["prog", "loadall", file, pins], { stdio: "pipe" });
    pinned = pins;
  }
  return pinned;
}

afterAll(() => {
  if (pinned) rmSync(pinned, { recursive: true, force: true });
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const program = (spec: ObjectSpec, name: string): ProgramSpec => spec.programs.find((p) => p.name === name)!;
const funcNames = (spec: ObjectSpec, p: ProgramSpec) => p.funcInfo.map((f) => (typeById(spec.btf, f.typeId) as { name: string }).name);
const datasec = (spec: ObjectSpec, name: string) => spec.btf.types.find((t): t is BtfDatasec => t.kind === "datasec" && t.name === name)!;

describe("reading clang objects", () => {
  it("finds the programs, in section order, with their subprograms appended as libbpf does", (ctx) => {
    if (skipReason) return ctx.skip();
    const spec = readElf(sample!);
    expect(spec.license).toBe("Dual BSD/GPL");
    expect(spec.programs.map((p) => [p.name, p.section])).toEqual([
      ["handle_write", "tracepoint/syscalls/sys_enter_write"],
      ["handle_read", "tracepoint/syscalls/sys_enter_read"],
      ["handle_read2", "tracepoint/syscalls/sys_enter_read"],
    ]);
    const write = program(spec, "handle_write");
    expect(funcNames(spec, write)).toEqual(["handle_write", "add_one", "global_helper"]);
    expect(funcNames(spec, program(spec, "handle_read"))).toEqual(["handle_read", "loop_cb", "add_one"]);
    expect(funcNames(spec, program(spec, "handle_read2"))).toEqual(["handle_read2"]);

    // Every BPF-to-BPF call now lands on a function start of its own program.
    for (const p of spec.programs) {
      const starts = new Set(p.funcInfo.map((f) => f.instruction));
      p.instructions.forEach((insn, i) => {
        const isCall = insn.code === 0x85 && insn.src === CallSrc.PSEUDO_CALL;
        const isFunc = insn.code === 0x18 && insn.src === PseudoSrc.FUNC;
        if (isCall || isFunc) expect(starts.has(i + insn.imm + 1), `${p.name} insn ${i}`).toBe(true);
      });
    }
    // global_helper's call to add_one had no relocation in .text: it is rebased too.
    const helperAt = write.funcInfo[2]!.instruction;
    expect(formatInstruction(write.instructions, helperAt)).toBe(`call pc${write.funcInfo[1]!.instruction - helperAt - 1}`);
  });

  it("reads BTF-defined maps in every form and the global data maps", (ctx) => {
    if (skipReason) return ctx.skip();
    const spec = readElf(sample!);
    const rodataId = spec.btf.types.indexOf(datasec(spec, ".rodata")) + 1;
    expect(spec.maps.map(({ contents, ...m }) => m)).toEqual([
      { name: "starts", kind: "btf-map", type: 1, keySize: 4, valueSize: 16, maxEntries: 1024, flags: 0, keyTypeId: expect.any(Number), valueTypeId: expect.any(Number) },
      { name: "counters", kind: "btf-map", type: 2, keySize: 4, valueSize: 8, maxEntries: 4, flags: 0, keyTypeId: 0, valueTypeId: 0 },
      { name: "events", kind: "btf-map", type: 27, keySize: 0, valueSize: 0, maxEntries: 4096, flags: 0, keyTypeId: 0, valueTypeId: 0, pinning: 0 },
      { name: ".rodata", kind: "rodata", type: 2, keySize: 4, valueSize: 16, maxEntries: 1, flags: 0x80, keyTypeId: 0, valueTypeId: rodataId },
      { name: ".data", kind: "data", type: 2, keySize: 4, valueSize: 8, maxEntries: 1, flags: 0, keyTypeId: 0, valueTypeId: expect.any(Number) },
      { name: ".bss", kind: "bss", type: 2, keySize: 4, valueSize: 8, maxEntries: 1, flags: 0, keyTypeId: 0, valueTypeId: expect.any(Number) },
    ]);
    const starts = spec.maps[0]!;
    expect(typeById(spec.btf, starts.keyTypeId)).toMatchObject({ kind: "typedef", name: "__u32" });
    expect(typeById(spec.btf, starts.valueTypeId)).toMatchObject({ kind: "struct", name: "event", size: 16 });
    const rodata = spec.maps[3]!;
    expect(new DataView(rodata.contents!.buffer, rodata.contents!.byteOffset).getBigUint64(8, true)).toBe(7n);
    expect(spec.maps[4]!.contents).toEqual(new Uint8Array([3, 0, 0, 0, 0, 0, 0, 0]));
    expect(spec.maps[5]!.contents).toBeUndefined();
  });

  it("fills in the DATASEC sizes and offsets clang leaves at 0", (ctx) => {
    if (skipReason) return ctx.skip();
    const spec = readElf(sample!);
    const layout = (name: string) => {
      const sec = datasec(spec, name);
      return { size: sec.size, vars: sec.vars.map((v) => [(typeById(spec.btf, v.type) as { name: string }).name, v.offset, v.size]) };
    };
    expect(layout(".maps")).toEqual({ size: 0x60, vars: [["starts", 0, 32], ["counters", 0x20, 40], ["events", 0x48, 24]] });
    expect(layout(".rodata")).toEqual({ size: 16, vars: [["target_pid", 0, 4], ["min_ts", 8, 8]] });
    expect(layout(".bss")).toEqual({ size: 8, vars: [["hits", 0, 4], ["static_hits", 4, 4]] });
    expect(layout("license")).toEqual({ size: 13, vars: [["LICENSE", 0, 13]] });
  });

  it("reads map-in-map, prog array, bloom filter (map_extra) and numa_node definitions", (ctx) => {
    if (skipReason) return ctx.skip();
    const spec = readElf(mapsObject!);
    const byName = new Map(spec.maps.map((m) => [m.name, m]));
    expect(byName.get("outer")).toMatchObject({
      type: 13,
      keySize: 4,
      valueSize: 4,
      maxEntries: 8,
      valueTypeId: 0,
      innerMap: { name: "outer.inner", kind: "btf-map", type: 2, keySize: 4, valueSize: 8, maxEntries: 2 },
    });
    expect(byName.get("jumps")).toMatchObject({ type: 3, keySize: 4, valueSize: 4, maxEntries: 4 });
    expect(byName.get("jumps")!.innerMap).toBeUndefined();
    expect(byName.get("seen")).toMatchObject({ type: 30, keySize: 0, valueSize: 4, maxEntries: 64, mapExtra: 3n, numaNode: 0 });
  });

  it("turns relocations into map references with the kernel's ld_imm64 forms", (ctx) => {
    if (skipReason) return ctx.skip();
    const spec = readElf(sample!);
    const write = program(spec, "handle_write");
    const refs = write.mapReferences.map((r) => [r.map, r.kind, r.offset, formatInstruction(write.instructions, r.instruction)]);
    expect(refs).toEqual([
      [".rodata", "value", 0, "r1 = map[fd:0][0]+0 ll"], // target_pid: OBJECT symbol at 0
      ["starts", "map", 0, "r1 = map[fd:0] ll"],
      [".data", "value", 0, "r1 = map[fd:0][0]+0 ll"],
      [".bss", "value", 4, "r1 = map[fd:0][0]+4 ll"], // static_hits, in add_one: section symbol + imm 4
    ]);
    const read = program(spec, "handle_read");
    expect(read.mapReferences.map((r) => [r.map, r.kind, r.offset])).toEqual([
      ["counters", "map", 0],
      [".bss", "value", 0], // hits, an OBJECT symbol
      [".rodata", "value", 8], // min_ts: OBJECT symbol at 8
      [".bss", "value", 0], // hits again, in loop_cb (appended first)
      [".bss", "value", 4], // static_hits in add_one
    ]);
  });

  it("keeps line info and CO-RE relocations per program", (ctx) => {
    if (skipReason) return ctx.skip();
    const spec = readElf(sample!);
    const write = program(spec, "handle_write");
    expect(write.lineInfo[0]).toMatchObject({ instruction: 0, fileName: expect.stringMatching(/sample\.bpf\.c$/), lineText: expect.stringContaining("bpf_get_current_pid_tgid") });
    const sorted = [...write.lineInfo].sort((a, b) => a.instruction - b.instruction);
    expect(write.lineInfo).toEqual(sorted);
    for (const f of write.funcInfo) expect(write.lineInfo.some((l) => l.instruction === f.instruction)).toBe(true);
    const read2 = program(spec, "handle_read2");
    expect(read2.coreRelocations).toHaveLength(1);
    expect(read2.coreRelocations[0]).toMatchObject({ accessString: "0:0", kind: 0 });
    expect(typeById(spec.btf, read2.coreRelocations[0]!.typeId)).toMatchObject({ kind: "struct", name: "task_struct" });
  });

  it("keeps extern (kfunc) calls and static .rodata strings", (ctx) => {
    if (skipReason) return ctx.skip();
    const spec = readElf(externs!);
    const p = program(spec, "handle_btf");
    expect(p.externReferences).toEqual([
      { instruction: 0, name: "bpf_rcu_read_lock", kind: "call" },
      { instruction: 6, name: "bpf_rcu_read_unlock", kind: "call" },
    ]);
    expect(p.instructions[0]).toMatchObject({ code: 0x85, src: CallSrc.KFUNC, imm: 0 });
    const rodata = spec.maps.find((m) => m.name === ".rodata")!;
    const fmt = p.mapReferences[0]!;
    expect(fmt).toMatchObject({ map: ".rodata", kind: "value" });
    expect(new TextDecoder().decode(rodata.contents!.subarray(fmt.offset, fmt.offset + 8))).toBe("hello %d");
    expect(disassemble(p.instructions)).toContain("0: call kfunc#0");
  });

  it("matches libbpf's subprogram order (bpftool's translated dump)", (ctx) => {
    if (skipReason || missing({ bpftool: hasTool("bpftool", ["version"]), root: isRoot() })) return ctx.skip();
    const spec = readElf(sample!);
    const pins = loadedSample();
    for (const p of spec.programs) {
      const dump = execFileSync("bpftool", ["prog", "dump", "xlated", "pinned", join(pins, p.name)], { encoding: "utf8" });
      const headers = dump.split("\n").filter((l) => /^\S.*\(.*\):$/.test(l)).map((l) => /(\w+)\(/.exec(l)![1]);
      expect(headers, p.name).toEqual(funcNames(spec, p));
    }
  });
});

describe("disassembly", () => {
  it("prints what the kernel's disassembler prints for clang's code", (ctx) => {
    if (skipReason || missing({ bpftool: hasTool("bpftool", ["version"]), root: isRoot() })) return ctx.skip();
    const pins = loadedSample();
    let compared = 0;
    for (const name of ["handle_write", "handle_read", "handle_read2"]) {
      const dump = JSON.parse(execFileSync("bpftool", ["-j", "prog", "dump", "xlated", "pinned", join(pins, name), "opcodes"], { encoding: "utf8" })) as {
        disasm: string;
        opcodes: { code: string; src_reg: string; dst_reg: string; off: string[]; imm: string[] };
      }[];
      for (const { disasm, opcodes } of dump) {
        const code = Number(opcodes.code);
        // ld_imm64 (maps by id, subprog addresses) and calls (helper names) differ by design.
        if (code === 0x18 || code === 0x85) continue;
        const le = (bytes: string[]) => bytes.reduceRight((v, b) => v * 256 + Number(b), 0);
        const insn = {
          code,
          src: Number(opcodes.src_reg),
          dst: Number(opcodes.dst_reg),
          off: (le(opcodes.off) << 16) >> 16,
          imm: le(opcodes.imm) | 0,
        };
        const kernel = disasm.replace(/^\(\w\w\) /, "").replace(/goto pc([+-])/, "goto $1");
        expect(formatInstruction([insn], 0), disasm).toBe(kernel);
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(50);
  });
});

describe("writing what was read from clang", () => {
  it("reads back the same spec", (ctx) => {
    if (skipReason) return ctx.skip();
    for (const bytes of [sample!, externs!, mapsObject!]) {
      const spec = readElf(bytes);
      expect(readElf(writeElf(spec))).toEqual(spec);
    }
  });

  it("loads with bpftool", (ctx) => {
    if (skipReason || missing({ bpftool: hasTool("bpftool", ["version"]), root: isRoot() })) return ctx.skip();
    for (const [name, bytes, program, expected] of [
      ["sample", sample!, "handle_read", "loop_cb"],
      ["maps", mapsObject!, "use_maps", "bpf_tail_call"],
    ] as const) {
      const file = join(dir, `rewritten-${name}.bpf.o`);
      writeFileSync(file, writeElf(readElf(bytes)));
      const pins = `/sys/fs/bpf/tsbpf-clang-rewrite-${name}-${process.pid}-${Date.now()}`;
      try {
        try {
          execFileSync("bpftool", ["prog", "loadall", file, pins], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
        } catch (error) {
          throw new Error(`bpftool prog loadall ${name} failed:\n${(error as { stderr?: string }).stderr ?? error}`);
        }
        const dump = execFileSync("bpftool", ["prog", "dump", "xlated", "pinned", join(pins, program)], { encoding: "utf8" });
        expect(dump).toContain(expected);
      } finally {
        rmSync(pins, { recursive: true, force: true });
      }
    }
  });
});
