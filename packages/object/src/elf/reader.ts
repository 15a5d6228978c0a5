/**
 * BPF ELF object → `ObjectSpec`: reads what `writeElf` writes and what clang writes for libbpf
 * (`clang -O2 -g -target bpf`). Programs come linked with their subprograms (see link.ts), maps
 * from the `.maps` DATASEC and the global-data sections, struct_ops variables from `.struct_ops*`, BTF with the DATASEC layout filled in.
 * Malformed input raises ObjectFormatError naming the section and the defect.
 */
import { decodeUtf8 } from "../bytes.js";
import { decodeBtf } from "../btf/codec.js";
import { decodeBtfExt, type BtfExt } from "../btf/ext.js";
import { findTypeByName } from "../btf/query.js";
import type { Btf, BtfDatasec } from "../btf/types.js";
import { ObjectFormatError } from "../errors.js";
import { MapType, type MapSpec, type ObjectSpec } from "../spec.js";
import { readBtfMaps } from "./btf-maps.js";
import { SHF, SHT, STT } from "./constants.js";
import { fixupDatasecs } from "./datasec-fixup.js";
import { parseElf, type ElfFile, type ElfSection } from "./file.js";
import { linkPrograms, type MapLocator } from "./link.js";
import { dataSectionKind } from "./sections.js";
import { readStructOps } from "./struct-ops.js";

/** BPF_F_RDONLY_PROG: the program may not write the map (libbpf's flag for `.rodata`). */
const BPF_F_RDONLY_PROG = 0x80;

export function readElf(bytes: Uint8Array): ObjectSpec {
  const elf = parseElf(bytes);
  const byName = new Map(elf.sections.map((s) => [s.name, s]));
  if (byName.has("maps")) {
    throw new ObjectFormatError("maps", "legacy map definitions (struct bpf_map_def in section 'maps') are not supported; use BTF-defined maps in '.maps'");
  }
  const btfSection = byName.get(".BTF");
  const extSection = byName.get(".BTF.ext");
  const btf: Btf = btfSection !== undefined ? decodeBtf(btfSection.data) : { types: [] };
  const ext: BtfExt =
    extSection !== undefined && btfSection !== undefined
      ? decodeBtfExt(extSection.data, btfSection.data)
      : { funcInfo: [], lineInfo: [], coreRelos: [] };
  fixupDatasecs(btf, elf);
  staticHiddenFuncs(btf, elf);

  const maps: MapSpec[] = [];
  const mapOffsets = new Map<number, string>();
  const mapsSection = byName.get(".maps");
  if (mapsSection !== undefined) {
    const datasec = findTypeByName(btf, ".maps", "datasec")?.type as BtfDatasec | undefined;
    if (datasec === undefined) {
      if (mapsSection.size > 0) throw new ObjectFormatError(".maps", "no DATASEC '.maps' in .BTF describes the maps (legacy map definitions are not supported)");
    } else {
      for (const { map, offset } of readBtfMaps(btf, datasec)) {
        maps.push(map);
        mapOffsets.set(offset, map.name);
      }
    }
  }
  const dataMaps = new Map<number, string>();
  for (const section of elf.sections) {
    const map = dataMap(section, btf);
    if (map === undefined) continue;
    maps.push(map);
    dataMaps.set(section.index, map.name);
  }
  const locator: MapLocator = {
    mapAt: (index, offset) => (index === mapsSection?.index ? mapOffsets.get(offset) : undefined),
    dataMap: (index) => dataMaps.get(index),
  };
  const programs = linkPrograms(elf, ext, locator);
  const spec: ObjectSpec = { license: license(byName.get("license")), programs, maps, btf };
  const names = new Set(programs.map((p) => p.name));
  const programAt = (section: number, offset: number) =>
    elf.symbols.find((s) => s.shndx === section && s.type === STT.FUNC && s.value === offset && names.has(s.name))?.name;
  const structOps = readStructOps(elf, btf, programAt);
  if (structOps.length > 0) spec.structOps = structOps;
  return spec;
}

/** libbpf's internal maps: one single-element array per `.rodata*`, `.data*` and `.bss*` section. */
function dataMap(section: ElfSection, btf: Btf): MapSpec | undefined {
  const kind = dataSectionKind(section.name);
  if (kind === undefined || section.size === 0 || (section.flags & SHF.EXECINSTR) !== 0) return undefined;
  if (section.type !== (kind === "bss" ? SHT.NOBITS : SHT.PROGBITS)) {
    // e.g. a PROGBITS `.bss.foo` is unusual but harmless; treat it by its contents.
    if (section.type !== SHT.PROGBITS && section.type !== SHT.NOBITS) return undefined;
  }
  const first = btf.firstTypeId ?? 1;
  const datasecIndex = btf.types.findIndex((t) => t.kind === "datasec" && t.name === section.name);
  const map: MapSpec = {
    name: section.name,
    kind,
    type: MapType.Array,
    keySize: 4,
    valueSize: section.size,
    maxEntries: 1,
    flags: kind === "rodata" ? BPF_F_RDONLY_PROG : 0,
    keyTypeId: 0,
    valueTypeId: datasecIndex >= 0 ? datasecIndex + first : 0,
  };
  if (section.type === SHT.PROGBITS) map.contents = section.data.slice();
  return map;
}

function license(section: ElfSection | undefined): string {
  if (section === undefined) return "";
  const end = section.data.indexOf(0);
  return decodeUtf8(section.data.subarray(0, end < 0 ? section.data.length : end));
}

/**
 * Global functions with hidden visibility (`__hidden`, as libbpf's usdt.bpf.h declares its
 * helpers) are verified in their caller's context, as libbpf arranges: their BTF FUNC becomes
 * static. The kernel would otherwise verify them alone, without what the caller guarantees.
 */
function staticHiddenFuncs(btf: Btf, elf: ReturnType<typeof parseElf>): void {
  const STT_FUNC = 2;
  const STV_HIDDEN = 2;
  const hidden = new Set(elf.symbols.filter((s) => s.type === STT_FUNC && s.visibility === STV_HIDDEN).map((s) => s.name));
  if (hidden.size === 0) return;
  btf.types.forEach((t, i) => {
    if (t.kind === "func" && hidden.has(t.name) && t.linkage === 1) btf.types[i] = { ...t, linkage: 0 };
  });
}
