/**
 * struct_ops sections, as clang writes them for libbpf and libbpf reads them
 * (bpf_object__init_struct_ops_maps, bpf_object__collect_st_ops_relos): `.struct_ops` (libbpf
 * 1.0+) or `.struct_ops.link` (libbpf 1.2+) holds struct variables named in a DATASEC of that
 * name; each variable's type is a local STRUCT named as the kernel's; data members hold their
 * initial values; each function-pointer member set to a program is an R_BPF_64_ABS64 relocation
 * in `.rel<section>` against the program's FUNC symbol, whose value divided by 8 is the
 * program's first instruction in its section.
 */
import { findTypeByName, resolveModifiers, tryTypeById } from "../btf/query.js";
import type { Btf, BtfDatasec, BtfStruct, BtfType } from "../btf/types.js";
import { ObjectFormatError, ObjectSpecError } from "../errors.js";
import type { ObjectSpec, StructOpsSpec } from "../spec.js";
import type { PendingReloc } from "./code-layout.js";
import { R_BPF, SHF, SHN_LORESERVE, SHT, STT } from "./constants.js";
import type { EmitSection } from "./emit.js";
import type { ElfFile, ElfSection } from "./file.js";

const POINTER_SIZE = 8;

/** Whether libbpf reads a section of this name as struct_ops variables. */
export function isStructOpsSection(name: string): boolean {
  return name === ".struct_ops" || name === ".struct_ops.link";
}

/** The type under typedefs and modifiers, with its id (undefined for void or an unknown id). */
function resolved(btf: Btf, id: number): { id: number; type: BtfType | undefined } {
  const at = resolveModifiers(btf, id);
  return { id: at, type: tryTypeById(btf, at) };
}

function datasecOf(btf: Btf, section: string): BtfDatasec | undefined {
  return findTypeByName(btf, section, "datasec")?.type as BtfDatasec | undefined;
}

function varName(btf: Btf, id: number): string | undefined {
  const variable = tryTypeById(btf, id);
  return variable?.kind === "var" ? variable.name : undefined;
}

/** The struct_ops sections' bytes and the relocations that point their function members at programs. */
export function structOpsSections(spec: ObjectSpec): { sections: EmitSection[]; relocs: Map<string, PendingReloc[]> } {
  const sections: EmitSection[] = [];
  const relocs = new Map<string, PendingReloc[]>();
  const all = spec.structOps ?? [];
  const programs = new Set(spec.programs.map((p) => p.name));
  for (const section of [...new Set(all.map((s) => s.section))]) {
    if (!isStructOpsSection(section)) throw new ObjectSpecError(`struct_ops variables go in '.struct_ops' or '.struct_ops.link', not '${section}'`);
    const datasec = datasecOf(spec.btf, section);
    if (datasec === undefined) throw new ObjectSpecError(`the BTF has no DATASEC '${section}' placing its struct_ops variables`);
    const end = Math.max(datasec.size, ...datasec.vars.map((v) => v.offset + v.size));
    const bytes = new Uint8Array(end);
    const list: PendingReloc[] = [];
    for (const ops of all.filter((s) => s.section === section)) {
      const place = datasec.vars.find((v) => varName(spec.btf, v.type) === ops.name);
      if (place === undefined) throw new ObjectSpecError(`struct_ops '${ops.name}' has no VAR in the DATASEC '${section}'`);
      if (ops.data.length > place.size) throw new ObjectSpecError(`struct_ops '${ops.name}': ${ops.data.length} bytes do not fit its ${place.size}-byte VAR`);
      bytes.set(ops.data, place.offset);
      for (const f of ops.functions) {
        if (!programs.has(f.program)) throw new ObjectSpecError(`struct_ops '${ops.name}' points at program '${f.program}', which the object does not have`);
        if (f.offset + POINTER_SIZE > place.size) throw new ObjectSpecError(`struct_ops '${ops.name}': function member at offset ${f.offset} is outside it`);
        list.push({ offset: place.offset + f.offset, type: R_BPF.R_64_ABS64, target: { symbol: f.program } });
      }
    }
    sections.push({ name: section, type: SHT.PROGBITS, flags: SHF.ALLOC | SHF.WRITE, data: bytes, align: 8 });
    relocs.set(section, list.sort((a, b) => a.offset - b.offset));
  }
  return { sections, relocs };
}

/**
 * The struct_ops variables of an object. `programAt(sectionIndex, byteOffset)` names the program
 * whose entry function starts there (a relocation's symbol section and value).
 */
export function readStructOps(elf: ElfFile, btf: Btf, programAt: (section: number, offset: number) => string | undefined): StructOpsSpec[] {
  const out: StructOpsSpec[] = [];
  for (const section of elf.sections) {
    if (!isStructOpsSection(section.name) || section.type !== SHT.PROGBITS) continue;
    out.push(...readSection(elf, btf, section, programAt));
  }
  return out;
}

function readSection(elf: ElfFile, btf: Btf, section: ElfSection, programAt: (section: number, offset: number) => string | undefined): StructOpsSpec[] {
  const bad = (message: string): never => {
    throw new ObjectFormatError(section.name, message);
  };
  const datasec = datasecOf(btf, section.name) ?? bad(`no DATASEC '${section.name}' in .BTF describes the struct_ops variables`);
  const variables = datasec.vars.map((v) => {
    const variable = tryTypeById(btf, v.type);
    if (variable?.kind !== "var") return bad(`DATASEC entry ${v.type} is not a VAR`);
    const target = resolved(btf, variable.type);
    const struct = target.type;
    if (struct?.kind !== "struct") return bad(`struct_ops variable '${variable.name}' is a ${struct?.kind ?? "void"}, not a struct`);
    if (!struct.name) return bad(`struct_ops variable '${variable.name}' has an anonymous struct type (it must be named as the kernel's struct)`);
    if (v.offset + struct.size > section.size) return bad(`struct_ops variable '${variable.name}' (offset ${v.offset}, ${struct.size} bytes) runs past the section's ${section.size} bytes`);
    const spec: StructOpsSpec = { name: variable.name, section: section.name, typeId: target.id, data: section.data.slice(v.offset, v.offset + struct.size), functions: [] };
    return { spec, offset: v.offset, struct };
  });
  for (const r of elf.relocations.get(section.index) ?? []) {
    const owner = variables.find((v) => r.offset >= v.offset && r.offset < v.offset + v.struct.size) ?? bad(`relocation at offset ${r.offset} is inside no struct_ops variable`);
    const at = r.offset - owner.offset;
    if (r.type !== R_BPF.R_64_ABS64) bad(`relocation at offset ${r.offset} has type ${r.type}; function members take R_BPF_64_ABS64 (${R_BPF.R_64_ABS64})`);
    if (!isFunctionPointerAt(btf, owner.struct, at)) bad(`relocation at offset ${r.offset} sets ${owner.struct.name} at +${at}, which is not a function-pointer member`);
    const symbol = r.symbol;
    if (symbol.shndx === 0 || symbol.shndx >= SHN_LORESERVE) bad(`'${owner.spec.name}' +${at} points at '${symbol.name}', which is not a program of this object`);
    const offset = symbol.type === STT.SECTION ? 0 : symbol.value;
    const program = programAt(symbol.shndx, offset) ?? bad(`'${owner.spec.name}' +${at} points at '${symbol.name}' (section ${symbol.shndx} +${offset}), where no program starts`);
    owner.spec.functions.push({ offset: at, program });
  }
  return variables.map((v) => v.spec);
}

function isFunctionPointerAt(btf: Btf, struct: BtfStruct, offset: number): boolean {
  const member = struct.members.find((m) => m.bitOffset === offset * 8 && m.bitfieldSize === 0);
  if (member === undefined) return false;
  const ptr = resolved(btf, member.type).type;
  return ptr?.kind === "ptr" && resolved(btf, ptr.type).type?.kind === "func_proto";
}
