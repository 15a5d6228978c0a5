/**
 * Where the writer puts code: each program's entry function in its hook section, each subprogram
 * once in `.text` (libbpf only takes subprograms from there), and the instructions rewritten the
 * way clang leaves them for libbpf, with the relocations that point them at maps, data, functions
 * and externs. Also the `.BTF.ext` records, whose byte offsets depend on this placement.
 */
import type { BtfExt, BtfExtCoreRelo, BtfExtFuncInfo, BtfExtLineInfo, BtfExtSection } from "../btf/ext.js";
import { ObjectSpecError } from "../errors.js";
import { encodeInstructions, INSTRUCTION_SIZE } from "../isa/codec.js";
import { CALL, CallSrc, isLdImm64, isPseudoCall, isPseudoFunc, type Instruction } from "../isa/instruction.js";
import type { ObjectSpec, ProgramSpec } from "../spec.js";
import { R_BPF } from "./constants.js";
import { callTarget, splitFunctions, type ProgramFunction } from "./functions.js";

export const TEXT = ".text";

/** One function's code placed in an ELF code section. */
export interface Placed {
  program: ProgramSpec;
  fn: ProgramFunction;
  section: string;
  /** Slot offset inside the ELF section. */
  offset: number;
}

/** What a relocation points at, before symbol indices exist. */
export type RelocTarget = { section: string } | { symbol: string };

export interface PendingReloc {
  /** Byte offset in the code section. */
  offset: number;
  type: number;
  target: RelocTarget;
}

export interface CodeLayout {
  /** Code sections in order, each with its functions in order. */
  sections: Map<string, Placed[]>;
  /** Where each program's function (by program and start slot) was placed. */
  placement: Map<ProgramSpec, Map<number, Placed>>;
}

/** Splits programs into functions, entry functions into hook sections and subprograms into `.text` (once each). */
export function placeCode(spec: ObjectSpec): CodeLayout {
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
export function relocateCode(spec: ObjectSpec, layout: CodeLayout) {
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

/** func_info/line_info/CO-RE records per code section, slot indices turned into byte offsets. */
export function btfExt(code: CodeLayout): BtfExt {
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

export function hasRecords(ext: BtfExt): boolean {
  return ext.funcInfo.length + ext.lineInfo.length + ext.coreRelos.length > 0;
}
