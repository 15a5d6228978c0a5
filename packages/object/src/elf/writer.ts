/**
 * `ObjectSpec` → BPF ELF relocatable, in the shape clang gives libbpf: each program's entry
 * function in its hook section (`tracepoint/...`, `xdp`, ...), the subprograms it calls in `.text`
 * behind relocated calls, `license`, global data in `.rodata*`/`.data*`/`.bss*`, BTF-defined maps
 * as symbols in `.maps`, `.BTF` and `.BTF.ext` sharing one string table, the symbol table and the
 * `.rel<section>` relocations libbpf resolves. The output is deterministic: same spec, same bytes.
 */
import { StringTableWriter, ByteWriter, encodeUtf8 } from "../bytes.js";
import { assembleBtf, encodeBtfTypes, newStringTable } from "../btf/codec.js";
import { encodeBtfExt, type BtfExt, type BtfExtCoreRelo, type BtfExtFuncInfo, type BtfExtLineInfo, type BtfExtSection } from "../btf/ext.js";
import { tryTypeById } from "../btf/query.js";
import { FuncLinkage, VarLinkage, type BtfDatasec } from "../btf/types.js";
import { ObjectSpecError } from "../errors.js";
import { encodeInstructions, INSTRUCTION_SIZE } from "../isa/codec.js";
import { CALL, CallSrc, isLdImm64, isPseudoCall, isPseudoFunc, type Instruction } from "../isa/instruction.js";
import type { ObjectSpec, ProgramSpec } from "../spec.js";
import { R_BPF, REL_SIZE, SHF, SHN_UNDEF, SHT, STB, STT, SYM_SIZE } from "./constants.js";
import { emitElf, type EmitSection } from "./emit.js";
import { callTarget, splitFunctions, type ProgramFunction } from "./functions.js";
import { dataSectionKind } from "./sections.js";

/** One function's code placed in an ELF code section. */
interface Placed {
  program: ProgramSpec;
  fn: ProgramFunction;
  section: string;
  /** Slot offset inside the ELF section. */
  offset: number;
}

/** What a relocation points at, before symbol indices exist. */
type RelocTarget = { section: string } | { symbol: string };

interface PendingReloc {
  /** Byte offset in the code section. */
  offset: number;
  type: number;
  target: RelocTarget;
}

interface SymbolSpec {
  name: string;
  bind: number;
  type: number;
  /** Section name, or undefined for SHN_UNDEF. */
  section: string | undefined;
  value: number;
  size: number;
}

const TEXT = ".text";
const MAPS = ".maps";
const LICENSE = "license";

export function writeElf(spec: ObjectSpec): Uint8Array {
  const code = placeCode(spec);
  const data = dataSections(spec);
  const symbols = symbolSpecs(spec, code, data);
  const { sections: codeSections, relocs } = relocateCode(spec, code);

  // Section order: code (each followed by its relocations), license, data, .maps, BTF, symbols, strings.
  const names = new StringTableWriter();
  const out: EmitSection[] = [];
  const indexOf = new Map<string, number>();
  const add = (s: EmitSection) => {
    out.push(s);
    indexOf.set(s.name, out.length); // section 0 is the implicit null section
    return out.length;
  };
  const relSections: { rel: EmitSection; target: string }[] = [];
  for (const [name, bytes] of codeSections) {
    add({ name, type: SHT.PROGBITS, flags: SHF.ALLOC | SHF.EXECINSTR, data: bytes, align: 8 });
    if ((relocs.get(name) ?? []).length > 0) {
      const rel: EmitSection = { name: `.rel${name}`, type: SHT.REL, flags: SHF.INFO_LINK, data: new Uint8Array(0), align: 8, entsize: REL_SIZE };
      add(rel);
      relSections.push({ rel, target: name });
    }
  }
  add({ name: LICENSE, type: SHT.PROGBITS, flags: SHF.ALLOC | SHF.WRITE, data: encodeUtf8(`${spec.license}\0`), align: 1 });
  for (const d of data) add(d);

  const strings = newStringTable(spec.btf);
  const btfTypes = encodeBtfTypes(spec.btf, strings);
  const ext = btfExt(code);
  const extBytes = hasRecords(ext) ? encodeBtfExt(ext, strings) : undefined;
  // The kernel refuses a BTF without types; an object without any is written without .BTF, as by clang without -g.
  if (spec.btf.types.length > 0 || extBytes !== undefined) {
    add({ name: ".BTF", type: SHT.PROGBITS, flags: 0, data: assembleBtf(btfTypes, strings), align: 4 });
  }
  if (extBytes !== undefined) add({ name: ".BTF.ext", type: SHT.PROGBITS, flags: 0, data: extBytes, align: 4 });

  const symtabIndex = out.length + 1;
  const strtabIndex = out.length + 2;
  const { bytes: symtab, indexByKey, firstGlobal } = encodeSymbols(symbols, indexOf, names);
  for (const { rel, target } of relSections) {
    rel.link = symtabIndex;
    rel.info = indexOf.get(target)!;
    rel.data = encodeRelocs(relocs.get(target)!, indexByKey);
  }
  add({ name: ".symtab", type: SHT.SYMTAB, flags: 0, data: symtab, link: strtabIndex, info: firstGlobal, align: 8, entsize: SYM_SIZE });
  const nameOffsets = out.map((s) => names.add(s.name));
  const strtabName = names.add(".strtab");
  add({ name: ".strtab", type: SHT.STRTAB, flags: 0, data: names.finish(), align: 1 });
  return emitElf(out, [...nameOffsets, strtabName], strtabIndex);
}

// Code layout ----------------------------------------------------------------------------------

interface CodeLayout {
  /** Code sections in order, each with its functions in order. */
  sections: Map<string, Placed[]>;
  /** Where each program's function (by program and start slot) was placed. */
  placement: Map<ProgramSpec, Map<number, Placed>>;
}

/** Splits programs into functions, entry functions into hook sections and subprograms into `.text` (once each). */
function placeCode(spec: ObjectSpec): CodeLayout {
  const sections = new Map<string, Placed[]>();
  const placement = new Map<ProgramSpec, Map<number, Placed>>();
  const sizeOf = (section: string) => (sections.get(section) ?? []).reduce((n, p) => n + p.fn.end - p.fn.start, 0);
  const place = (program: ProgramSpec, fn: ProgramFunction, section: string): Placed => {
    const placed = { program, fn, section, offset: sizeOf(section) };
    sections.set(section, [...(sections.get(section) ?? []), placed]);
    return placed;
  };
  const text = new Map<string, Placed>();
  const names = new Set<string>();
  for (const program of spec.programs) {
    if (program.section === TEXT || program.section === "") {
      throw new ObjectSpecError(`program '${program.name}': section '${program.section}' cannot hold a program (libbpf treats .text as subprograms)`);
    }
    if (names.has(program.name)) throw new ObjectSpecError(`two programs are named '${program.name}'`);
    names.add(program.name);
    const fns = splitFunctions(program, spec.btf);
    const placed = new Map<number, Placed>();
    placed.set(0, place(program, fns[0]!, program.section));
    for (const fn of fns.slice(1)) {
      // The same subprogram appended to several programs is written to .text once.
      const key = functionKey(program, fn, fns);
      const known = text.get(key);
      if (known !== undefined) placed.set(fn.start, known);
      else {
        const p = place(program, fn, TEXT);
        text.set(key, p);
        placed.set(fn.start, p);
      }
    }
    placement.set(program, placed);
  }
  // .text goes first, as with clang.
  const ordered = new Map<string, Placed[]>();
  if (sections.has(TEXT)) ordered.set(TEXT, sections.get(TEXT)!);
  for (const [name, list] of sections) if (name !== TEXT) ordered.set(name, list);
  return { sections: ordered, placement };
}

/** Identity of a subprogram's code independent of where it sits in a program. */
function functionKey(program: ProgramSpec, fn: ProgramFunction, fns: ProgramFunction[]): string {
  const inRange = (i: number) => i >= fn.start && i < fn.end;
  const nameAt = (slot: number) => fns.find((f) => f.start === slot)?.name ?? "?";
  const insns = program.instructions.slice(fn.start, fn.end).map((insn, k) => {
    const i = fn.start + k;
    return isPseudoCall(insn) || isPseudoFunc(insn) ? [insn.code, insn.dst, insn.src, nameAt(callTarget(insn, i))] : [insn.code, insn.dst, insn.src, insn.off, insn.imm];
  });
  const rel = (i: number) => i - fn.start;
  return JSON.stringify([
    fn.name,
    insns,
    program.mapReferences.filter((r) => inRange(r.instruction)).map((r) => [rel(r.instruction), r.map, r.kind, r.offset]),
    (program.externReferences ?? []).filter((r) => inRange(r.instruction)).map((r) => [rel(r.instruction), r.name, r.kind]),
    program.funcInfo.filter((r) => inRange(r.instruction)).map((r) => [rel(r.instruction), r.typeId]),
    program.lineInfo.filter((r) => inRange(r.instruction)).map((r) => [rel(r.instruction), r.fileName, r.lineText, r.line, r.column]),
    program.coreRelocations.filter((r) => inRange(r.instruction)).map((r) => [rel(r.instruction), r.typeId, r.accessString, r.kind]),
  ]);
}

/** Each code section's bytes with relocated instructions rewritten as clang leaves them, and its relocations. */
function relocateCode(spec: ObjectSpec, layout: CodeLayout) {
  const mapsByName = new Map(spec.maps.map((m) => [m.name, m]));
  const sections = new Map<string, Uint8Array>();
  const relocs = new Map<string, PendingReloc[]>();
  for (const [section, placedList] of layout.sections) {
    const insns: Instruction[] = [];
    const list: PendingReloc[] = [];
    for (const placed of placedList) {
      const { program, fn } = placed;
      const base = insns.length - fn.start; // program slot i lands at section slot base + i
      for (let i = fn.start; i < fn.end; i++) insns.push({ ...program.instructions[i]! });
      const at = (i: number) => (base + i) * INSTRUCTION_SIZE;
      const targetOf = (i: number) => layout.placement.get(program)!.get(callTarget(program.instructions[i]!, i))!;
      const externs = new Set((program.externReferences ?? []).map((r) => r.instruction));
      for (let i = fn.start; i < fn.end; i++) {
        const insn = insns[base + i]!;
        if (externs.has(i)) continue;
        if (isPseudoCall(insn)) {
          // Against .text's section symbol (value 0): libbpf computes target = imm + 1.
          insn.imm = targetOf(i).offset - 1;
          list.push({ offset: at(i), type: R_BPF.R_64_32, target: { section: TEXT } });
        } else if (isPseudoFunc(insn)) {
          // Function address: byte offset in .text in imm; libbpf sets src_reg itself.
          insn.src = 0;
          insn.imm = targetOf(i).offset * INSTRUCTION_SIZE;
          insns[base + i + 1]!.imm = 0;
          list.push({ offset: at(i), type: R_BPF.R_64_64, target: { section: TEXT } });
        }
      }
      for (const ref of program.mapReferences) {
        if (ref.instruction < fn.start || ref.instruction >= fn.end) continue;
        const insn = insns[base + ref.instruction]!;
        const map = mapsByName.get(ref.map);
        if (!isLdImm64(insn) || base + ref.instruction + 1 >= insns.length) {
          throw new ObjectSpecError(`program '${program.name}': map reference at instruction ${ref.instruction} is not an ld_imm64`);
        }
        if (map === undefined) throw new ObjectSpecError(`program '${program.name}': instruction ${ref.instruction} refers to unknown map '${ref.map}'`);
        insn.src = 0;
        insns[base + ref.instruction + 1]!.imm = 0;
        if (ref.kind === "map") {
          if (map.kind !== "btf-map") throw new ObjectSpecError(`program '${program.name}': instruction ${ref.instruction} loads data map '${map.name}' as a map; use kind "value"`);
          insn.imm = 0;
          list.push({ offset: at(ref.instruction), type: R_BPF.R_64_64, target: { symbol: map.name } });
        } else {
          if (map.kind === "btf-map") throw new ObjectSpecError(`program '${program.name}': instruction ${ref.instruction} takes a value address in '${map.name}', which is not a global data map`);
          // Static-data style (clang's): against the section symbol, the offset in imm.
          insn.imm = ref.offset;
          list.push({ offset: at(ref.instruction), type: R_BPF.R_64_64, target: { section: map.name } });
        }
      }
      for (const ref of program.externReferences ?? []) {
        if (ref.instruction < fn.start || ref.instruction >= fn.end) continue;
        const insn = insns[base + ref.instruction]!;
        if (ref.kind === "call") {
          if (insn.code !== CALL) throw new ObjectSpecError(`program '${program.name}': extern '${ref.name}' at instruction ${ref.instruction} is not a call`);
          Object.assign(insn, { src: CallSrc.PSEUDO_CALL, off: 0, imm: -1 }); // clang's form of a kfunc call
        } else {
          if (!isLdImm64(insn) || base + ref.instruction + 1 >= insns.length) {
            throw new ObjectSpecError(`program '${program.name}': extern '${ref.name}' at instruction ${ref.instruction} is not an ld_imm64`);
          }
          Object.assign(insn, { src: 0, imm: 0 });
          insns[base + ref.instruction + 1]!.imm = 0;
        }
        list.push({ offset: at(ref.instruction), type: ref.kind === "call" ? R_BPF.R_64_32 : R_BPF.R_64_64, target: { symbol: ref.name } });
      }
    }
    list.sort((a, b) => a.offset - b.offset);
    sections.set(section, encodeInstructions(insns));
    relocs.set(section, list);
  }
  return { sections, relocs };
}

// Data ------------------------------------------------------------------------------------------

function dataSections(spec: ObjectSpec): EmitSection[] {
  const out: EmitSection[] = [];
  for (const map of spec.maps) {
    if (map.kind === "btf-map") continue;
    if (dataSectionKind(map.name) !== map.kind) {
      throw new ObjectSpecError(`map '${map.name}' of kind ${map.kind} must be named '.${map.kind}' or '.${map.kind}.<suffix>' (libbpf finds global data by section name)`);
    }
    const contents = map.contents ?? new Uint8Array(0);
    if (contents.length > map.valueSize) throw new ObjectSpecError(`map '${map.name}': ${contents.length} bytes of contents exceed valueSize ${map.valueSize}`);
    if (map.kind === "bss") {
      out.push({ name: map.name, type: SHT.NOBITS, flags: SHF.ALLOC | SHF.WRITE, data: new Uint8Array(0), size: map.valueSize, align: 8 });
    } else {
      const bytes = new Uint8Array(map.valueSize);
      bytes.set(contents);
      out.push({ name: map.name, type: SHT.PROGBITS, flags: map.kind === "rodata" ? SHF.ALLOC : SHF.ALLOC | SHF.WRITE, data: bytes, align: 8 });
    }
  }
  const btfMaps = spec.maps.filter((m) => m.kind === "btf-map");
  if (btfMaps.length > 0) {
    const datasec = findDatasec(spec, MAPS);
    if (datasec === undefined) throw new ObjectSpecError(`the BTF has no DATASEC '${MAPS}' defining the maps ${btfMaps.map((m) => `'${m.name}'`).join(", ")}`);
    const end = Math.max(datasec.size, ...datasec.vars.map((v) => v.offset + v.size));
    out.push({ name: MAPS, type: SHT.PROGBITS, flags: SHF.ALLOC | SHF.WRITE, data: new Uint8Array(end), align: 8 });
  }
  return out;
}

function findDatasec(spec: ObjectSpec, name: string): BtfDatasec | undefined {
  return spec.btf.types.find((t): t is BtfDatasec => t.kind === "datasec" && t.name === name);
}

// Symbols ---------------------------------------------------------------------------------------

/** Every symbol: section symbols, functions, maps and variables (locals first, as ELF requires). */
function symbolSpecs(spec: ObjectSpec, code: CodeLayout, data: EmitSection[]): SymbolSpec[] {
  const locals: SymbolSpec[] = [];
  const globals: SymbolSpec[] = [];
  const sectionNames = new Set<string>([...code.sections.keys(), LICENSE, ...data.map((d) => d.name)]);
  for (const name of [...code.sections.keys(), ...data.map((d) => d.name)]) {
    if (name !== MAPS) locals.push({ name, bind: STB.LOCAL, type: STT.SECTION, section: name, value: 0, size: 0 });
  }
  for (const [section, list] of code.sections) {
    for (const { fn, offset } of list) {
      const symbol = { name: fn.name, type: STT.FUNC, section, value: offset * INSTRUCTION_SIZE, size: (fn.end - fn.start) * INSTRUCTION_SIZE };
      if (section !== TEXT || fn.linkage === FuncLinkage.Global) globals.push({ ...symbol, bind: STB.GLOBAL });
      else locals.push({ ...symbol, bind: STB.LOCAL });
    }
  }
  // Variables of every DATASEC whose section is written: libbpf matches BTF VARs to ELF symbols by name.
  const mapNames = new Set(spec.maps.filter((m) => m.kind === "btf-map").map((m) => m.name));
  for (const type of spec.btf.types) {
    if (type.kind !== "datasec") continue;
    if (!sectionNames.has(type.name)) {
      if (type.name === ".kconfig" || type.name === ".ksyms") continue; // extern-backed: no section
      throw new ObjectSpecError(`BTF DATASEC '${type.name}' has no section: no map or section of that name`);
    }
    for (const v of type.vars) {
      const variable = tryTypeById(spec.btf, v.type);
      if (variable?.kind !== "var") throw new ObjectSpecError(`BTF DATASEC '${type.name}' lists type ${v.type}, which is not a VAR`);
      const symbol = { name: variable.name, type: STT.OBJECT, section: type.name, value: v.offset, size: v.size };
      if (variable.linkage === VarLinkage.Static && type.name !== MAPS) locals.push({ ...symbol, bind: STB.LOCAL });
      else globals.push({ ...symbol, bind: STB.GLOBAL });
      mapNames.delete(variable.name);
    }
  }
  if (mapNames.size > 0) {
    throw new ObjectSpecError(`maps without a VAR in the BTF DATASEC '${MAPS}': ${[...mapNames].map((n) => `'${n}'`).join(", ")}`);
  }
  checkDistinctMapOffsets(globals);
  const externs = new Set<string>();
  for (const program of spec.programs) for (const ref of program.externReferences ?? []) externs.add(ref.name);
  for (const name of externs) globals.push({ name, bind: STB.GLOBAL, type: STT.NOTYPE, section: undefined, value: 0, size: 0 });
  return [...locals, ...globals];
}

/** libbpf tells maps apart by their symbol's offset in `.maps`. */
function checkDistinctMapOffsets(globals: SymbolSpec[]): void {
  const seen = new Map<number, string>();
  for (const s of globals) {
    if (s.section !== MAPS) continue;
    const other = seen.get(s.value);
    if (other !== undefined) throw new ObjectSpecError(`maps '${other}' and '${s.name}' both sit at offset ${s.value} of '${MAPS}'`);
    seen.set(s.value, s.name);
  }
}

function symbolKey(target: RelocTarget): string {
  return "section" in target ? `section:${target.section}` : `symbol:${target.symbol}`;
}

function encodeSymbols(symbols: SymbolSpec[], sectionIndex: Map<string, number>, names: StringTableWriter) {
  const out = new ByteWriter();
  out.bytes(new Uint8Array(SYM_SIZE)); // symbol 0
  const indexByKey = new Map<string, number>();
  let firstGlobal = symbols.length + 1;
  symbols.forEach((s, i) => {
    const index = i + 1;
    if (s.bind !== STB.LOCAL && firstGlobal > index) firstGlobal = index;
    const key = s.type === STT.SECTION ? `section:${s.name}` : `symbol:${s.name}`;
    if (!indexByKey.has(key)) indexByKey.set(key, index);
    // Section symbols are unnamed, as clang writes them; tools name them after their section.
    out.u32(s.type === STT.SECTION ? 0 : names.add(s.name));
    out.u8((s.bind << 4) | s.type).u8(0);
    out.u16(s.section === undefined ? SHN_UNDEF : sectionIndex.get(s.section)!);
    out.u64(s.value).u64(s.size);
  });
  return { bytes: out.finish(), indexByKey, firstGlobal };
}

function encodeRelocs(list: PendingReloc[], indexByKey: Map<string, number>): Uint8Array {
  const out = new ByteWriter();
  for (const r of list) {
    const symbol = indexByKey.get(symbolKey(r.target));
    if (symbol === undefined) throw new ObjectSpecError(`relocation against '${"section" in r.target ? r.target.section : r.target.symbol}', which has no symbol`);
    out.u64(r.offset).u64((BigInt(symbol) << 32n) | BigInt(r.type));
  }
  return out.finish();
}

// .BTF.ext --------------------------------------------------------------------------------------

/** func_info/line_info/CO-RE records per code section, slot indices turned into byte offsets. */
function btfExt(code: CodeLayout): BtfExt {
  const funcInfo: BtfExtSection<BtfExtFuncInfo>[] = [];
  const lineInfo: BtfExtSection<BtfExtLineInfo>[] = [];
  const coreRelos: BtfExtSection<BtfExtCoreRelo>[] = [];
  for (const [section, list] of code.sections) {
    const funcs: BtfExtFuncInfo[] = [];
    const lines: BtfExtLineInfo[] = [];
    const cores: BtfExtCoreRelo[] = [];
    for (const { program, fn, offset } of list) {
      const inRange = (i: number) => i >= fn.start && i < fn.end;
      const bytes = (i: number) => (offset + i - fn.start) * INSTRUCTION_SIZE;
      for (const f of program.funcInfo) if (inRange(f.instruction)) funcs.push({ insnOff: bytes(f.instruction), typeId: f.typeId });
      for (const l of program.lineInfo) {
        if (inRange(l.instruction)) lines.push({ insnOff: bytes(l.instruction), fileName: l.fileName, lineText: l.lineText, line: l.line, column: l.column });
      }
      for (const c of program.coreRelocations) {
        if (inRange(c.instruction)) cores.push({ insnOff: bytes(c.instruction), typeId: c.typeId, accessString: c.accessString, kind: c.kind });
      }
    }
    const byOffset = (a: { insnOff: number }, b: { insnOff: number }) => a.insnOff - b.insnOff;
    if (funcs.length > 0) funcInfo.push({ section, records: funcs.sort(byOffset) });
    if (lines.length > 0) lineInfo.push({ section, records: lines.sort(byOffset) });
    if (cores.length > 0) coreRelos.push({ section, records: cores.sort(byOffset) });
  }
  return { funcInfo, lineInfo, coreRelos };
}

function hasRecords(ext: BtfExt): boolean {
  return ext.funcInfo.length + ext.lineInfo.length + ext.coreRelos.length > 0;
}
