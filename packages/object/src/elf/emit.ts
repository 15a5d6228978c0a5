/**
 * Lays out an ELF64 little-endian relocatable for EM_BPF from finished section contents: the ELF
 * header, each section's bytes at its alignment, then the section header table (as clang does).
 * Section 0 (SHT_NULL) is implicit; indices in `link`/`info` count it.
 */
import { ByteWriter } from "../bytes.js";
import { EHDR_SIZE, ELFCLASS64, ELFDATA2LSB, EM_BPF, ET_REL, EV_CURRENT, SHDR_SIZE, SHT } from "./constants.js";

export interface EmitSection {
  name: string;
  type: number;
  flags: number;
  /** Contents; for SHT_NOBITS only its length matters (it is not written). */
  data: Uint8Array;
  /** For SHT_NOBITS: the size in memory. */
  size?: number;
  link?: number;
  info?: number;
  align: number;
  entsize?: number;
}

/** `shstrtabIndex`: the section whose strings name the sections; `nameOffsets[i]` names `sections[i]`. */
export function emitElf(sections: readonly EmitSection[], nameOffsets: readonly number[], shstrtabIndex: number): Uint8Array {
  const out = new ByteWriter();
  out.bytes(new Uint8Array(EHDR_SIZE)); // patched below once offsets are known
  const offsets: number[] = [];
  for (const section of sections) {
    out.align(Math.max(section.align, 1));
    offsets.push(out.length);
    if (section.type !== SHT.NOBITS) out.bytes(section.data);
  }
  out.align(8);
  const shoff = out.length;
  out.bytes(new Uint8Array(SHDR_SIZE)); // SHT_NULL
  sections.forEach((section, i) => {
    out.u32(nameOffsets[i]!).u32(section.type).u64(section.flags).u64(0);
    out.u64(offsets[i]!).u64(section.type === SHT.NOBITS ? (section.size ?? 0) : section.data.length);
    out.u32(section.link ?? 0).u32(section.info ?? 0).u64(section.align).u64(section.entsize ?? 0);
  });
  const bytes = out.finish();
  const header = new DataView(bytes.buffer);
  bytes.set([0x7f, 0x45, 0x4c, 0x46, ELFCLASS64, ELFDATA2LSB, EV_CURRENT], 0);
  header.setUint16(16, ET_REL, true);
  header.setUint16(18, EM_BPF, true);
  header.setUint32(20, EV_CURRENT, true);
  header.setBigUint64(40, BigInt(shoff), true); // e_shoff (no entry point, no program headers)
  header.setUint16(52, EHDR_SIZE, true);
  header.setUint16(58, SHDR_SIZE, true);
  header.setUint16(60, sections.length + 1, true);
  header.setUint16(62, shstrtabIndex, true);
  return bytes;
}
