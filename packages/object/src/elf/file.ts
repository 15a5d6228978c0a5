/**
 * A parsed ELF64 little-endian relocatable: section headers with names and bytes, the symbol
 * table, and REL sections by the section they apply to. Every read is bounds-checked and reports
 * an ObjectFormatError naming the section; nothing here knows about BPF programs or maps.
 */
import { ByteReader, StringTableReader } from "../bytes.js";
import { ObjectFormatError } from "../errors.js";
import {
  EHDR_SIZE,
  ELFCLASS64,
  ELFDATA2LSB,
  EM_BPF,
  REL_SIZE,
  SHDR_SIZE,
  SHN_LORESERVE,
  SHN_XINDEX,
  SHT,
  SYM_SIZE,
} from "./constants.js";

export interface ElfSection {
  index: number;
  name: string;
  type: number;
  flags: number;
  size: number;
  link: number;
  info: number;
  align: number;
  entsize: number;
  /** The section's bytes (empty for NOBITS). */
  data: Uint8Array;
}

export interface ElfSymbol {
  index: number;
  name: string;
  /** STB_* */
  bind: number;
  /** STT_* */
  type: number;
  /** STV_* */
  visibility: number;
  /** Section index (SHN_UNDEF for externs). */
  shndx: number;
  value: number;
  size: number;
}

export interface ElfRelocation {
  /** Byte offset in the target section. */
  offset: number;
  /** R_BPF_* */
  type: number;
  symbol: ElfSymbol;
}

export interface ElfFile {
  sections: ElfSection[];
  symbols: ElfSymbol[];
  /** Relocations by the index of the section they patch. */
  relocations: Map<number, ElfRelocation[]>;
}

function sectionData(file: ByteReader, name: string, type: number, offset: number, size: number): Uint8Array {
  if (type === SHT.NOBITS || type === SHT.NULL) return new Uint8Array(0);
  if (offset + size > file.length) {
    throw new ObjectFormatError(name, `contents (offset ${offset}, ${size} bytes) run past the end of the file (${file.length} bytes)`);
  }
  return file.bytes.subarray(offset, offset + size);
}

export function parseElf(bytes: Uint8Array): ElfFile {
  const file = new ByteReader(bytes, "ELF header");
  if (bytes.length < EHDR_SIZE) throw new ObjectFormatError("ELF header", `${bytes.length} bytes is too short for an ELF file`);
  if (bytes[0] !== 0x7f || bytes[1] !== 0x45 || bytes[2] !== 0x4c || bytes[3] !== 0x46) {
    throw new ObjectFormatError("ELF header", "not an ELF file (bad magic)");
  }
  if (bytes[4] !== ELFCLASS64) throw new ObjectFormatError("ELF header", `class ${bytes[4]} is not ELF64`);
  if (bytes[5] !== ELFDATA2LSB) throw new ObjectFormatError("ELF header", "big-endian objects are not supported");
  const machine = file.u16(18);
  if (machine !== EM_BPF) throw new ObjectFormatError("ELF header", `e_machine ${machine} is not EM_BPF (247)`);
  const shoff = file.u64n(40, "e_shoff");
  const shentsize = file.u16(58);
  let shnum = file.u16(60);
  let shstrndx = file.u16(62);
  if (shentsize !== SHDR_SIZE && shnum !== 0) throw new ObjectFormatError("ELF header", `e_shentsize ${shentsize} (want ${SHDR_SIZE})`);
  // Large section counts live in section 0's header (sh_size / sh_link).
  if (shoff !== 0 && (shnum === 0 || shstrndx === SHN_XINDEX)) {
    file.check(shoff, SHDR_SIZE, "section header 0");
    if (shnum === 0) shnum = file.u64n(shoff + 32);
    if (shstrndx === SHN_XINDEX) shstrndx = file.u32(shoff + 40);
  }
  file.check(shoff, shnum * SHDR_SIZE, "section header table");

  const headers = Array.from({ length: shnum }, (_, i) => {
    const at = shoff + i * SHDR_SIZE;
    return {
      nameOff: file.u32(at),
      type: file.u32(at + 4),
      flags: file.u64n(at + 8),
      offset: file.u64n(at + 24),
      size: file.u64n(at + 32),
      link: file.u32(at + 40),
      info: file.u32(at + 44),
      align: file.u64n(at + 48),
      entsize: file.u64n(at + 56),
    };
  });
  if (shstrndx >= shnum) throw new ObjectFormatError("ELF header", `e_shstrndx ${shstrndx} is not a section (${shnum} sections)`);
  const shstrHeader = headers[shstrndx]!;
  const shstrtab = new StringTableReader(
    sectionData(file, ".shstrtab", shstrHeader.type, shstrHeader.offset, shstrHeader.size),
    ".shstrtab",
  );
  const sections: ElfSection[] = headers.map((h, index) => {
    const name = index === 0 ? "" : shstrtab.get(h.nameOff, `name of section ${index}`);
    return { index, name, type: h.type, flags: h.flags, size: h.size, link: h.link, info: h.info, align: h.align, entsize: h.entsize, data: sectionData(file, name, h.type, h.offset, h.size) };
  });

  const symtabs = sections.filter((s) => s.type === SHT.SYMTAB);
  if (symtabs.length > 1) throw new ObjectFormatError(".symtab", "more than one symbol table");
  const symbols = symtabs.length === 1 ? parseSymbols(symtabs[0]!, sections) : [];

  const relocations = new Map<number, ElfRelocation[]>();
  for (const section of sections) {
    if (section.type === SHT.RELA) {
      throw new ObjectFormatError(section.name, "RELA relocations are not used by BPF objects (expected REL)");
    }
    if (section.type !== SHT.REL) continue;
    if (section.info >= sections.length) {
      throw new ObjectFormatError(section.name, `sh_info ${section.info} is not a section`);
    }
    const entsize = section.entsize === 0 ? REL_SIZE : section.entsize;
    if (entsize !== REL_SIZE || section.size % REL_SIZE !== 0) {
      throw new ObjectFormatError(section.name, `entry size ${section.entsize} / size ${section.size} do not fit ${REL_SIZE}-byte Elf64_Rel entries`);
    }
    const r = new ByteReader(section.data, section.name);
    const list: ElfRelocation[] = [];
    for (let at = 0; at < section.size; at += REL_SIZE) {
      const offset = r.u64n(at, "r_offset");
      const info = r.u64(at + 8, "r_info");
      const symIndex = Number(info >> 32n);
      const symbol = symbols[symIndex];
      if (symbol === undefined) {
        throw new ObjectFormatError(section.name, `relocation at offset ${offset} refers to symbol ${symIndex}, which does not exist`);
      }
      list.push({ offset, type: Number(info & 0xffffffffn), symbol });
    }
    relocations.set(section.info, [...(relocations.get(section.info) ?? []), ...list]);
  }
  return { sections, symbols, relocations };
}

function parseSymbols(symtab: ElfSection, sections: ElfSection[]): ElfSymbol[] {
  if (symtab.size % SYM_SIZE !== 0) throw new ObjectFormatError(symtab.name, `size ${symtab.size} is not a multiple of ${SYM_SIZE}`);
  const strtab = sections[symtab.link];
  if (strtab === undefined || strtab.type !== SHT.STRTAB) {
    throw new ObjectFormatError(symtab.name, `sh_link ${symtab.link} is not a string table`);
  }
  const names = new StringTableReader(strtab.data, strtab.name);
  const r = new ByteReader(symtab.data, symtab.name);
  const symbols: ElfSymbol[] = [];
  for (let at = 0, index = 0; at < symtab.size; at += SYM_SIZE, index++) {
    const info = r.u8(at + 4);
    const shndx = r.u16(at + 6);
    if (shndx !== 0 && shndx < SHN_LORESERVE && shndx >= sections.length) {
      throw new ObjectFormatError(symtab.name, `symbol ${index} is in section ${shndx}, which does not exist`);
    }
    symbols.push({
      index,
      name: names.get(r.u32(at), `name of symbol ${index}`),
      bind: info >> 4,
      type: info & 0xf,
      visibility: r.u8(at + 5) & 0x3,
      shndx,
      value: r.u64n(at + 8, "st_value"),
      size: r.u64n(at + 16, "st_size"),
    });
  }
  return symbols;
}
