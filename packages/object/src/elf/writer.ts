/**
 * `ObjectSpec` → BPF ELF relocatable, in the shape clang gives libbpf: each program's entry
 * function in its hook section (`tracepoint/...`, `xdp`, ...), the subprograms it calls in `.text`
 * behind relocated calls, `license`, global data in `.rodata*`/`.data*`/`.bss*`, BTF-defined maps
 * as symbols in `.maps`, `.BTF` and `.BTF.ext` sharing one string table, the symbol table and the
 * `.rel<section>` relocations libbpf resolves, struct_ops variables in `.struct_ops*` (struct-ops.ts). The output is deterministic: same spec, same bytes.
 */
import { encodeUtf8, StringTableWriter } from "../bytes.js";
import { assembleBtf, encodeBtfTypes, newStringTable } from "../btf/codec.js";
import { encodeBtfExt } from "../btf/ext.js";
import type { ObjectSpec } from "../spec.js";
import { btfExt, hasRecords, placeCode, relocateCode } from "./code-layout.js";
import { REL_SIZE, SHF, SHT, SYM_SIZE } from "./constants.js";
import { dataSections } from "./data-sections.js";
import { emitElf, type EmitSection } from "./emit.js";
import { structOpsSections } from "./struct-ops.js";
import { encodeRelocs, encodeSymbols, LICENSE, symbolSpecs } from "./symbols.js";

export function writeElf(spec: ObjectSpec): Uint8Array {
  const code = placeCode(spec);
  const data = dataSections(spec);
  const structOps = structOpsSections(spec);
  const symbols = symbolSpecs(spec, code, [...data, ...structOps.sections]);
  const { sections: codeSections, relocs } = relocateCode(spec, code);
  for (const [section, list] of structOps.relocs) relocs.set(section, list);

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
  const addRelocated = (section: EmitSection) => {
    add(section);
    if ((relocs.get(section.name) ?? []).length > 0) {
      const rel: EmitSection = { name: `.rel${section.name}`, type: SHT.REL, flags: SHF.INFO_LINK, data: new Uint8Array(0), align: 8, entsize: REL_SIZE };
      add(rel);
      relSections.push({ rel, target: section.name });
    }
  };
  for (const [name, bytes] of codeSections) addRelocated({ name, type: SHT.PROGBITS, flags: SHF.ALLOC | SHF.EXECINSTR, data: bytes, align: 8 });
  add({ name: LICENSE, type: SHT.PROGBITS, flags: SHF.ALLOC | SHF.WRITE, data: encodeUtf8(`${spec.license}\0`), align: 1 });
  for (const d of data) add(d);
  for (const section of structOps.sections) addRelocated(section);

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
