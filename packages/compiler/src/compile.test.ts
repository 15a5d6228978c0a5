// The brief's examples compile to object specs with the maps, BTF, func_info and line_info that
// libbpf and the runtime expect, and the ELF bytes read back to the same spec.
import { MapType, readElf, VarLinkage, type Btf, type BtfType } from "@tsbpf/object";
import { describe, expect, it } from "vitest";
import { compileFile } from "./compile.js";
import { compileText, fixtureDir, fixturePath, IMPORTS } from "./testing/probes.js";

function only(file: string) {
  const result = compileFile(fixturePath(file), { sourceRoot: fixtureDir });
  expect(result.diagnostics).toEqual([]);
  expect(result.probes).toHaveLength(1);
  return result.probes[0]!;
}

function type(btf: Btf, id: number): BtfType {
  return btf.types[id - 1]!;
}

function named(btf: Btf, kind: string, name: string): { id: number; type: BtfType } {
  const index = btf.types.findIndex((t) => t.kind === kind && "name" in t && t.name === name);
  expect(index, `${kind} ${name}`).toBeGreaterThanOrEqual(0);
  return { id: index + 1, type: btf.types[index]! };
}

describe("Hello", () => {
  const probe = only("hello.bpf.ts");
  const { spec } = probe;

  it("is one tracepoint program, GPL", () => {
    expect(probe.className).toBe("Hello");
    expect(spec.license).toBe("GPL");
    expect(spec.programs.map((p) => [p.name, p.section])).toEqual([["onWrite", "tracepoint/syscalls/sys_enter_write"]]);
  });

  it("has a FUNC with a global linkage and a ctx pointer parameter returning int", () => {
    const program = spec.programs[0]!;
    expect(program.funcInfo).toHaveLength(1);
    expect(program.funcInfo[0]!.instruction).toBe(0);
    const func = type(spec.btf, program.funcInfo[0]!.typeId);
    expect(func).toMatchObject({ kind: "func", name: "onWrite", linkage: 1 });
    const proto = type(spec.btf, (func as { type: number }).type);
    expect(proto.kind).toBe("func_proto");
    if (proto.kind !== "func_proto") return;
    expect(type(spec.btf, proto.returnType)).toMatchObject({ kind: "int", name: "int", size: 4, signed: true });
    expect(proto.params.map((p) => p.name)).toEqual(["ctx"]);
    const ctx = type(spec.btf, proto.params[0]!.type);
    expect(ctx.kind).toBe("ptr");
    expect(type(spec.btf, (ctx as { type: number }).type)).toMatchObject({ kind: "struct", name: "trace_event_raw_sys_enter", size: 64 });
  });

  it("puts targetPid and the printk format in a read-only .rodata", () => {
    const rodata = spec.maps.find((m) => m.name === ".rodata")!;
    expect(rodata).toMatchObject({ kind: "rodata", type: MapType.Array, keySize: 4, maxEntries: 1, flags: 0x80 });
    const format = "hello: write by pid %d, fd %d\0";
    expect(rodata.valueSize).toBe(4 + format.length);
    expect(Buffer.from(rodata.contents!).toString("latin1")).toBe("\0\0\0\0" + format);
    const datasec = type(spec.btf, rodata.valueTypeId);
    expect(datasec).toMatchObject({ kind: "datasec", name: ".rodata", size: rodata.valueSize });
    if (datasec.kind !== "datasec") return;
    const vars = datasec.vars.map((v) => ({ ...(type(spec.btf, v.type) as { name: string; linkage: number }), offset: v.offset, size: v.size }));
    expect(vars).toMatchObject([
      { name: "targetPid", linkage: VarLinkage.GlobalAllocated, offset: 0, size: 4 },
      { linkage: VarLinkage.Static, offset: 4, size: format.length },
    ]);
  });

  it("has line_info for the prologue and each statement, relative to the source root", () => {
    const lines = spec.programs[0]!.lineInfo;
    expect(lines[0]!.instruction).toBe(0);
    expect(new Set(lines.map((l) => l.fileName))).toEqual(new Set(["hello.bpf.ts"]));
    const text = lines.map((l) => l.lineText.trim());
    expect(text).toContain("const pid = u32(bpf.getCurrentPidTgid() >> 32n);");
    expect(text).toContain('bpf.printk("hello: write by pid %d, fd %d", pid, ctx.args[0]);');
    const offsets = lines.map((l) => l.instruction);
    expect(offsets).toEqual([...offsets].sort((a, b) => a - b));
    expect(new Set(offsets).size).toBe(offsets.length);
  });

  it("reads back from its ELF bytes", () => {
    const back = readElf(probe.elf);
    expect(back.license).toBe("GPL");
    expect(back.programs.map((p) => p.section)).toEqual(["tracepoint/syscalls/sys_enter_write"]);
    expect(back.programs[0]!.instructions.length).toBe(spec.programs[0]!.instructions.length);
    expect(back.maps.map((m) => m.name).sort()).toEqual([".rodata"]);
  });
});

describe("OpenSnoop", () => {
  const { spec } = only("opensnoop.bpf.ts");

  it("defines the ring buffer the libbpf way and names its record type", () => {
    const events = spec.maps.find((m) => m.name === "events")!;
    expect(events).toMatchObject({ kind: "btf-map", type: MapType.RingBuf, maxEntries: 256 * 1024, keySize: 0, valueSize: 0, keyTypeId: 0 });
    expect(type(spec.btf, events.valueTypeId)).toMatchObject({ kind: "struct", name: "OpenEvent", size: 280 });
    const variable = named(spec.btf, "var", "events");
    expect(variable.type).toMatchObject({ linkage: VarLinkage.GlobalAllocated });
    const def = type(spec.btf, (variable.type as { type: number }).type);
    expect(def.kind === "struct" && def.members.map((m) => m.name)).toEqual(["type", "max_entries"]);
    const datasec = named(spec.btf, "datasec", ".maps").type;
    expect(datasec).toMatchObject({ size: 16, vars: [{ type: variable.id, offset: 0, size: 16 }] });
  });

  it("encodes char arrays as char[N] indexed by __ARRAY_SIZE_TYPE__", () => {
    const event = named(spec.btf, "struct", "OpenEvent").type;
    if (event.kind !== "struct") throw new Error("not a struct");
    const comm = type(spec.btf, event.members[2]!.type);
    expect(comm).toMatchObject({ kind: "array", nelems: 16 });
    if (comm.kind !== "array") return;
    expect(type(spec.btf, comm.type)).toMatchObject({ kind: "int", name: "char", size: 1 });
    expect(type(spec.btf, comm.indexType)).toMatchObject({ kind: "int", name: "__ARRAY_SIZE_TYPE__", size: 4 });
    expect(event.members.map((m) => m.bitOffset)).toEqual([0, 32, 64, 192]);
  });
});

describe("WriteStats", () => {
  const { spec } = only("write-stats.bpf.ts");

  it("defines hash maps with key, value and sizes", () => {
    const stats = spec.maps.find((m) => m.name === "stats")!;
    expect(stats).toMatchObject({ kind: "btf-map", type: MapType.Hash, keySize: 4, valueSize: 24, maxEntries: 1024, flags: 0 });
    expect(type(spec.btf, stats.keyTypeId)).toMatchObject({ kind: "int", name: "unsigned int" });
    expect(type(spec.btf, stats.valueTypeId)).toMatchObject({ kind: "struct", name: "Stats", size: 24 });
    const def = type(spec.btf, (named(spec.btf, "var", "stats").type as { type: number }).type);
    expect(def.kind === "struct" && def.members.map((m) => m.name)).toEqual(["type", "max_entries", "key", "value"]);
    if (def.kind !== "struct") return;
    // `type` is `int (*)[BPF_MAP_TYPE_HASH]`.
    const typePtr = type(spec.btf, def.members[0]!.type);
    const array = type(spec.btf, (typePtr as { type: number }).type);
    expect(array).toMatchObject({ kind: "array", nelems: MapType.Hash });
    const settings = spec.maps.find((m) => m.name === "settings")!;
    expect(settings).toMatchObject({ keySize: 4, valueSize: 8, maxEntries: 4 });
  });
});

describe("probe options", () => {
  it("takes the license from `static license`", () => {
    const result = compileText([
      IMPORTS,
      "export class Lic extends Probe {",
      '  static license = "Dual BSD/GPL";',
      '  @tracepoint("syscalls", "sys_enter_write")',
      "  run(): i32 { return 0; }",
      "}",
    ].join("\n"));
    expect(result.diagnostics).toEqual([]);
    expect(result.probes[0]!.spec.license).toBe("Dual BSD/GPL");
  });

  it("compiles several probe classes of one file separately", () => {
    const program = (name: string) => [
      `export class ${name} extends Probe {`,
      '  @tracepoint("syscalls", "sys_enter_write")',
      "  run(ctx: SysEnterContext): i32 { return 1; }",
      "}",
    ];
    const result = compileText([IMPORTS, ...program("A"), ...program("B")].join("\n"));
    expect(result.probes.map((p) => p.className)).toEqual(["A", "B"]);
  });

  it("places other integer fields in .data and .bss with their initial values", () => {
    const result = compileText([
      IMPORTS,
      "export class Globals extends Probe {",
      "  hits: u64 = 0n;",
      "  base: u32 = 7;",
      '  @tracepoint("syscalls", "sys_enter_write")',
      "  run(ctx: SysEnterContext): i32 { this.hits += 1n; return i32(this.base); }",
      "}",
    ].join("\n"));
    expect(result.diagnostics).toEqual([]);
    const maps = result.probes[0]!.spec.maps;
    expect(maps.find((m) => m.name === ".bss")).toMatchObject({ kind: "bss", valueSize: 8, flags: 0 });
    const data = maps.find((m) => m.name === ".data")!;
    expect(data).toMatchObject({ kind: "data", valueSize: 4 });
    expect([...data.contents!]).toEqual([7, 0, 0, 0]);
  });
});
