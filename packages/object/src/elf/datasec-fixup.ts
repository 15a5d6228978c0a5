/**
 * clang leaves DATASEC sizes (and, depending on version, variable offsets) at 0 and expects the
 * loader to fill them in from the ELF section sizes and symbol values, as libbpf's
 * btf_fixup_datasec does. The reader does the same so that the spec (and the runtime) sees the
 * real layout. Variables are then sorted by offset, which the kernel requires.
 */
import type { Btf, BtfDatasec } from "../btf/types.js";
import { STT } from "./constants.js";
import type { ElfFile } from "./file.js";

export function fixupDatasecs(btf: Btf, elf: ElfFile): void {
  const sectionsByName = new Map(elf.sections.map((s) => [s.name, s]));
  const first = btf.firstTypeId ?? 1;
  for (const type of btf.types) {
    if (type.kind !== "datasec") continue;
    const section = sectionsByName.get(type.name);
    if (section === undefined) continue; // extern-backed (.kconfig, .ksyms): nothing to take sizes from
    let fixOffsets = false;
    if (type.size === 0) {
      type.size = section.size;
      fixOffsets = true;
    }
    if (fixOffsets) {
      const symbols = new Map<string, number>();
      for (const s of elf.symbols) {
        if (s.shndx === section.index && s.type === STT.OBJECT && !symbols.has(s.name)) symbols.set(s.name, s.value);
      }
      for (const v of type.vars) {
        const variable = btf.types[v.type - first];
        if (variable?.kind !== "var") continue;
        const offset = symbols.get(variable.name);
        if (offset !== undefined) v.offset = offset;
      }
    }
    sortVars(type);
  }
}

function sortVars(datasec: BtfDatasec): void {
  datasec.vars.sort((a, b) => a.offset - b.offset);
}
