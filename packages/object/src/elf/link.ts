/**
 * Turns an object's code sections into self-contained programs, as libbpf and cilium/ebpf do at
 * load: each entry function gets the subprograms it calls (transitively, each once, appended in
 * the order the calls are met, depth first) and every call and function-address load is rewritten
 * to a relative offset inside the program. Relocations become map references (against `.maps`
 * symbols or global-data sections) or extern references; `.BTF.ext` records follow their
 * functions, converted from section byte offsets to program slots.
 */
import type { BtfExt } from "../btf/ext.js";
import { ObjectFormatError } from "../errors.js";
import { decodeInstructions, INSTRUCTION_SIZE } from "../isa/codec.js";
import { CALL, CallSrc, isLdImm64, PseudoSrc, type Instruction } from "../isa/instruction.js";
import type { CoreRelocation, ExternReference, FuncInfo, LineInfo, MapReference, ProgramSpec } from "../spec.js";
import { SHF, SHN_LORESERVE, SHN_UNDEF, SHT, STB, STT } from "./constants.js";
import type { ElfFile, ElfRelocation, ElfSection } from "./file.js";

/** One function symbol's code. */
interface ElfFunction {
  name: string;
  section: ElfSection;
  /** Slot range inside the section. */
  start: number;
  end: number;
  /** An entry point (a program) rather than a subprogram. */
  isProgram: boolean;
}

/** Where relocations may point, as the reader has classified the sections. */
export interface MapLocator {
  /** The btf-map at `offset` in `.maps` (by section index). */
  mapAt(sectionIndex: number, offset: number): string | undefined;
  /** The data map held by a section (`.rodata`, ...). */
  dataMap(sectionIndex: number): string | undefined;
}

/** Per section: the `.BTF.ext` records sorted by byte offset. */
interface ExtIndex {
  func: Map<string, { insnOff: number; typeId: number }[]>;
  line: Map<string, { insnOff: number; fileName: string; lineText: string; line: number; column: number }[]>;
  core: Map<string, { insnOff: number; typeId: number; accessString: string; kind: number }[]>;
}

const TEXT = ".text";

export function linkPrograms(elf: ElfFile, ext: BtfExt, maps: MapLocator): ProgramSpec[] {
  const code = new Map<number, Instruction[]>();
  const functions = collectFunctions(elf, code);
  const relocs = new Map<number, Map<number, ElfRelocation>>();
  for (const [index, list] of elf.relocations) {
    if (!code.has(index)) continue; // relocations of debug info, .BTF, .maps (map-in-map): not code
    relocs.set(index, new Map(list.map((r) => [r.offset, r])));
  }
  const extIndex: ExtIndex = {
    func: new Map(ext.funcInfo.map((g) => [g.section, g.records])),
    line: new Map(ext.lineInfo.map((g) => [g.section, g.records])),
    core: new Map(ext.coreRelos.map((g) => [g.section, g.records])),
  };
  const bySection = new Map<number, ElfFunction[]>();
  for (const fn of functions) bySection.set(fn.section.index, [...(bySection.get(fn.section.index) ?? []), fn]);
  return functions
    .filter((fn) => fn.isProgram)
    .map((fn) => linkProgram(fn, { sections: elf.sections, code, relocs, bySection, extIndex, maps }));
}

function collectFunctions(elf: ElfFile, code: Map<number, Instruction[]>): ElfFunction[] {
  const functions: ElfFunction[] = [];
  for (const section of elf.sections) {
    if (section.type !== SHT.PROGBITS || (section.flags & SHF.EXECINSTR) === 0 || section.size === 0) continue;
    code.set(section.index, decodeInstructions(section.data, section.name));
    const symbols = elf.symbols
      .filter((s) => s.shndx === section.index && s.type === STT.FUNC)
      .sort((a, b) => a.value - b.value);
    symbols.forEach((s, k) => {
      if (s.value % INSTRUCTION_SIZE !== 0 || s.size % INSTRUCTION_SIZE !== 0) {
        throw new ObjectFormatError(section.name, `function '${s.name}' at offset ${s.value} (size ${s.size}) is not instruction-aligned`);
      }
      // A size of 0 (hand-written assembly) extends to the next function or the section end.
      const endBytes = s.size > 0 ? s.value + s.size : (symbols[k + 1]?.value ?? section.size);
      if (endBytes > section.size) {
        throw new ObjectFormatError(section.name, `function '${s.name}' at offset ${s.value} (size ${s.size}) crosses the section end (${section.size})`);
      }
      functions.push({
        name: s.name,
        section,
        start: s.value / INSTRUCTION_SIZE,
        end: endBytes / INSTRUCTION_SIZE,
        // libbpf: functions of .text are subprograms; elsewhere, non-static ones are programs.
        isProgram: section.name !== TEXT && s.bind !== STB.LOCAL,
      });
    });
  }
  return functions;
}

interface LinkContext {
  sections: ElfSection[];
  code: Map<number, Instruction[]>;
  relocs: Map<number, Map<number, ElfRelocation>>;
  bySection: Map<number, ElfFunction[]>;
  extIndex: ExtIndex;
  maps: MapLocator;
}

function linkProgram(entry: ElfFunction, ctx: LinkContext): ProgramSpec {
  const instructions: Instruction[] = [];
  const mapReferences: MapReference[] = [];
  const externReferences: ExternReference[] = [];
  const funcInfo: FuncInfo[] = [];
  const lineInfo: LineInfo[] = [];
  const coreRelocations: CoreRelocation[] = [];
  const placed = new Map<ElfFunction, number>();

  const append = (fn: ElfFunction): number => {
    const pos = instructions.length;
    placed.set(fn, pos);
    const source = ctx.code.get(fn.section.index)!;
    for (let i = fn.start; i < fn.end; i++) instructions.push({ ...source[i]! });
    const lo = fn.start * INSTRUCTION_SIZE;
    const hi = fn.end * INSTRUCTION_SIZE;
    const slot = (insnOff: number) => pos + insnOff / INSTRUCTION_SIZE - fn.start;
    const within = (r: { insnOff: number }) => r.insnOff >= lo && r.insnOff < hi;
    const name = fn.section.name;
    for (const r of ctx.extIndex.func.get(name) ?? []) if (within(r)) funcInfo.push({ instruction: slot(r.insnOff), typeId: r.typeId });
    for (const r of ctx.extIndex.line.get(name) ?? []) {
      if (within(r)) lineInfo.push({ instruction: slot(r.insnOff), fileName: r.fileName, lineText: r.lineText, line: r.line, column: r.column });
    }
    for (const r of ctx.extIndex.core.get(name) ?? []) {
      if (within(r)) coreRelocations.push({ instruction: slot(r.insnOff), typeId: r.typeId, accessString: r.accessString, kind: r.kind });
    }
    process(fn, pos);
    return pos;
  };

  const functionAt = (section: ElfSection, slot: number, from: string): ElfFunction => {
    const fn = ctx.bySection.get(section.index)?.find((f) => f.start === slot);
    if (fn === undefined) throw new ObjectFormatError(section.name, `${from} targets instruction ${slot}, which starts no function`);
    return fn;
  };

  const process = (fn: ElfFunction, pos: number): void => {
    const sectionRelocs = ctx.relocs.get(fn.section.index);
    const where = (j: number) => `instruction ${fn.start + j} (in '${fn.name}')`;
    for (let j = 0; j < fn.end - fn.start; j++) {
      const at = pos + j;
      const insn = instructions[at]!;
      const reloc = sectionRelocs?.get((fn.start + j) * INSTRUCTION_SIZE);
      const isCall = insn.code === CALL;
      const isLd = isLdImm64(insn);
      if (isLd && (j + 1 >= fn.end - fn.start || instructions[at + 1]!.code !== 0)) {
        throw new ObjectFormatError(fn.section.name, `${where(j)}: ld_imm64 without its second slot`);
      }
      let target: { section: ElfSection; slot: number } | undefined;
      if (reloc !== undefined) {
        const sym = reloc.symbol;
        if (!isCall && !isLd) {
          throw new ObjectFormatError(fn.section.name, `${where(j)}: relocation against '${sym.name}' on an instruction that is neither a call nor an ld_imm64 (opcode 0x${insn.code.toString(16)})`);
        }
        if (sym.shndx === SHN_UNDEF) {
          externReferences.push({ instruction: at, name: sym.name, kind: isCall ? "call" : "ld_imm64" });
          // A kfunc call in the kernel's form, its BTF id (imm) and BTF fd index (off) left to the loader.
          if (isCall) Object.assign(insn, { src: CallSrc.KFUNC, imm: 0, off: 0 });
        } else if (sym.shndx >= SHN_LORESERVE) {
          throw new ObjectFormatError(fn.section.name, `${where(j)}: relocation against '${sym.name}' in special section 0x${sym.shndx.toString(16)}`);
        } else {
          const symSection = sectionOf(ctx, sym.shndx, fn.section);
          if (isCall) {
            if (insn.src !== CallSrc.PSEUDO_CALL) throw new ObjectFormatError(fn.section.name, `${where(j)}: relocated call is not a BPF-to-BPF call (src_reg ${insn.src})`);
            target = { section: symSection, slot: sym.value / INSTRUCTION_SIZE + insn.imm + 1 };
          } else if (ctx.code.has(sym.shndx)) {
            // Address of a function (bpf_loop callbacks and the like).
            if ((sym.value + insn.imm) % INSTRUCTION_SIZE !== 0) throw new ObjectFormatError(fn.section.name, `${where(j)}: function address ${sym.value + insn.imm} is not instruction-aligned`);
            target = { section: symSection, slot: (sym.value + insn.imm) / INSTRUCTION_SIZE };
          } else {
            const map = ctx.maps.mapAt(sym.shndx, sym.value);
            const data = ctx.maps.dataMap(sym.shndx);
            const next = instructions[at + 1]!;
            if (map !== undefined) {
              mapReferences.push({ instruction: at, map, kind: "map", offset: 0 });
              Object.assign(insn, { src: PseudoSrc.MAP_FD, imm: 0 });
              next.imm = 0;
            } else if (data !== undefined) {
              const offset = sym.value + insn.imm;
              mapReferences.push({ instruction: at, map: data, kind: "value", offset });
              Object.assign(insn, { src: PseudoSrc.MAP_VALUE, imm: 0 });
              next.imm = offset;
            } else {
              throw new ObjectFormatError(fn.section.name, `${where(j)}: relocation against '${sym.name || symSection.name}' in section '${symSection.name}', which holds no map`);
            }
          }
        }
      } else if (isCall && insn.src === CallSrc.PSEUDO_CALL) {
        // A call to a static function of the same section carries no relocation.
        target = { section: fn.section, slot: fn.start + j + insn.imm + 1 };
      } else if (isLd && insn.src === PseudoSrc.FUNC) {
        target = { section: fn.section, slot: fn.start + j + insn.imm + 1 };
      }
      if (target !== undefined) {
        const callee = functionAt(target.section, target.slot, where(j));
        const calleePos = placed.get(callee) ?? append(callee);
        insn.src = isCall ? CallSrc.PSEUDO_CALL : PseudoSrc.FUNC;
        insn.imm = calleePos - at - 1;
        if (isLd) instructions[at + 1]!.imm = 0;
      }
      if (isLd) j++;
    }
  };

  append(entry);
  // Relocations were met in call order; the spec lists references by instruction.
  mapReferences.sort((a, b) => a.instruction - b.instruction);
  externReferences.sort((a, b) => a.instruction - b.instruction);
  const program: ProgramSpec = {
    name: entry.name,
    section: entry.section.name,
    instructions,
    mapReferences,
    funcInfo,
    lineInfo,
    coreRelocations,
  };
  if (externReferences.length > 0) program.externReferences = externReferences;
  return program;
}

function sectionOf(ctx: LinkContext, index: number, from: ElfSection): ElfSection {
  const section = ctx.sections[index];
  if (section === undefined) throw new ObjectFormatError(from.name, `relocation refers to section ${index}, which does not exist`);
  return section;
}
