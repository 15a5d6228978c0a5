/**
 * A probe's `ObjectSpec`: its programs' code with func_info and line_info, its maps (BTF-defined
 * maps in `.maps`, global data in `.rodata`/`.data`/`.bss`), its struct_ops variables (`.struct_ops`)
 * and the BTF describing all of them.
 */
import type { ts } from "ts-morph";
import { FuncLinkage, MapType, VarLinkage, type LineInfo, type MapSpec, type ObjectSpec, type ProgramSpec } from "@tsbpf/object";
import { sizeOf } from "../checker/layout.js";
import { kindSize } from "../checker/kinds.js";
import { BtfBuilder } from "../btf/builder.js";
import { coreRecord } from "../core/local-btf.js";
import type { ProbeModel, ProgramModel } from "../frontend/probe-model.js";
import type { MachineCode } from "../codegen/select.js";
import type { RodataPool } from "../lower/rodata.js";
import type { Subprogram } from "../lower/subprograms.js";
import { writeLittleEndian } from "./little-endian.js";
import { mapDefinition } from "./map-definition.js";
import { structOpsVariables } from "./struct-ops.js";

export interface SourceInfo {
  /** The path written into line_info (relative to the source root, forward slashes). */
  fileName: string;
  text: string;
}

export interface CompiledProgram {
  model: ProgramModel;
  code: MachineCode;
  /** The subprograms linked after the entry function, with where each starts. */
  subprograms: { sub: Subprogram; instruction: number }[];
}

const BPF_F_RDONLY_PROG = 0x80;

export function buildObjectSpec(probe: ProbeModel, programs: CompiledProgram[], rodata: RodataPool, source: SourceInfo): ObjectSpec {
  const btf = new BtfBuilder();
  const lines = source.text.split(/\r?\n/);
  const programSpecs: ProgramSpec[] = programs.map(({ model, code, subprograms }) => {
    const ctx = btf.ptr(model.context ? btf.type(model.context.type) : 0);
    const proto = btf.funcProto(btf.int("i32"), [{ name: "ctx", type: ctx }]);
    const func = btf.func(model.name, proto);
    const funcInfo = [{ instruction: 0, typeId: func }];
    for (const { sub, instruction } of subprograms) {
      // Static linkage, as clang gives `static` functions: the verifier checks them in their caller's context.
      const params = sub.params.map((p) => ({ name: p.name, type: p.byReference || p.context ? btf.ptr(btf.type(p.type)) : btf.type(p.type) }));
      const subProto = btf.funcProto(sub.returnType ? btf.type(sub.returnType) : 0, params);
      // `@globalFunction` methods: global linkage, verified on their own, replaceable by freplace programs.
      const global = probe.globalFunctions?.has(sub.node as ts.MethodDeclaration) ?? false;
      funcInfo.push({ instruction, typeId: btf.func(sub.name, subProto, global ? FuncLinkage.Global : FuncLinkage.Static) });
    }
    const lineInfo: LineInfo[] = code.lines.map(({ instruction, loc }) => ({
      instruction,
      fileName: source.fileName,
      lineText: lines[loc.line - 1] ?? "",
      line: loc.line,
      column: loc.column,
    }));
    return {
      name: model.name,
      section: model.section,
      instructions: code.insns,
      mapReferences: code.mapRefs,
      funcInfo,
      lineInfo,
      coreRelocations: code.cores.map(({ instruction, relo }) => ({ instruction, ...coreRecord(btf, relo), kind: relo.kind })),
    };
  });

  const maps: MapSpec[] = [];
  const mapVars: { type: number; offset: number; size: number }[] = [];
  let mapsOffset = 0;
  for (const map of probe.maps) {
    const definition = mapDefinition(btf, map);
    const variable = btf.variable(map.name, definition.struct, VarLinkage.GlobalAllocated);
    if (map.internal) btf.internalTag(variable);
    if (map.dslClass === "PerfCounterArray") btf.countersTag(variable);
    mapVars.push({ type: variable, offset: mapsOffset, size: definition.size });
    mapsOffset += definition.size;
    maps.push(definition.spec);
  }
  if (mapVars.length > 0) btf.datasec(".maps", mapsOffset, mapVars);

  for (const section of [".rodata", ".data", ".bss"] as const) {
    const globals = probe.globals.filter((g) => g.section === section);
    const strings = section === ".rodata" ? rodata.strings : [];
    const size = section === ".rodata" ? rodata.size : Math.max(0, ...globals.map((g) => g.offset + kindSize(g.kind)));
    if (size === 0) continue;
    const contents = new Uint8Array(size);
    const view = new DataView(contents.buffer);
    const vars: { type: number; offset: number; size: number }[] = [];
    for (const global of globals) {
      const width = kindSize(global.kind);
      const variable = btf.variable(global.name, btf.int(global.kind), VarLinkage.GlobalAllocated);
      vars.push({ type: variable, offset: global.offset, size: width });
      writeLittleEndian(view, global.offset, width, global.init);
    }
    for (const string of strings) {
      const variable = btf.variable(string.name, btf.array(btf.char(), string.bytes.length), VarLinkage.Static);
      vars.push({ type: variable, offset: string.offset, size: string.bytes.length });
      contents.set(string.bytes, string.offset);
    }
    const datasec = btf.datasec(section, size, vars);
    const map: MapSpec = {
      name: section,
      kind: section === ".rodata" ? "rodata" : section === ".data" ? "data" : "bss",
      type: MapType.Array,
      keySize: 4,
      valueSize: size,
      maxEntries: 1,
      flags: section === ".rodata" ? BPF_F_RDONLY_PROG : 0,
      keyTypeId: 0,
      valueTypeId: datasec,
    };
    if (section !== ".bss") map.contents = contents;
    maps.push(map);
  }

  const structOps = structOpsVariables(btf, Object.values(probe.structOps ?? {}));

  // A ring buffer's record type is not reachable from its map definition: it was added above by
  // btf.type(map.value) so that user space can decode the records.
  return { license: probe.license, programs: programSpecs, maps, btf: btf.btf, ...(structOps.length > 0 ? { structOps } : {}) };
}
