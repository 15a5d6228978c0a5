/**
 * The symbol table: section symbols, functions, maps and variables (locals first, as ELF
 * requires), and the REL entries that refer to them by index.
 */
import { ByteWriter, type StringTableWriter } from "../bytes.js";
import { tryTypeById } from "../btf/query.js";
import { FuncLinkage, VarLinkage } from "../btf/types.js";
import { ObjectSpecError } from "../errors.js";
import { INSTRUCTION_SIZE } from "../isa/codec.js";
import type { ObjectSpec } from "../spec.js";
import type { CodeLayout, PendingReloc, RelocTarget } from "./code-layout.js";
import { TEXT } from "./code-layout.js";
import { SHN_UNDEF, STB, STT, SYM_SIZE } from "./constants.js";
import type { EmitSection } from "./emit.js";

export const MAPS = ".maps";
export const LICENSE = "license";

export interface SymbolSpec {
  name: string;
  bind: number;
  type: number;
  /** Section name, or undefined for SHN_UNDEF. */
  section: string | undefined;
  value: number;
  size: number;
}

/** Every symbol: section symbols, functions, maps and variables (locals first, as ELF requires). */
export function symbolSpecs(spec: ObjectSpec, code: CodeLayout, data: EmitSection[]): SymbolSpec[] {
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

export function encodeSymbols(symbols: SymbolSpec[], sectionIndex: Map<string, number>, names: StringTableWriter) {
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

export function encodeRelocs(list: PendingReloc[], indexByKey: Map<string, number>): Uint8Array {
  const out = new ByteWriter();
  for (const r of list) {
    const symbol = indexByKey.get(symbolKey(r.target));
    if (symbol === undefined) throw new ObjectSpecError(`relocation against '${"section" in r.target ? r.target.section : r.target.symbol}', which has no symbol`);
    out.u64(r.offset).u64((BigInt(symbol) << 32n) | BigInt(r.type));
  }
  return out.finish();
}
