/** The global-data sections (`.rodata*`, `.data*`, `.bss*`) and `.maps`, from the spec's maps. */
import { findTypeByName } from "../btf/query.js";
import type { BtfDatasec } from "../btf/types.js";
import { ObjectSpecError } from "../errors.js";
import type { ObjectSpec } from "../spec.js";
import { SHF, SHT } from "./constants.js";
import type { EmitSection } from "./emit.js";
import { dataSectionKind } from "./sections.js";
import { MAPS } from "./symbols.js";

export function dataSections(spec: ObjectSpec): EmitSection[] {
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
    const datasec = findTypeByName(spec.btf, MAPS, "datasec")?.type as BtfDatasec | undefined;
    if (datasec === undefined) throw new ObjectSpecError(`the BTF has no DATASEC '${MAPS}' defining the maps ${btfMaps.map((m) => `'${m.name}'`).join(", ")}`);
    const end = Math.max(datasec.size, ...datasec.vars.map((v) => v.offset + v.size));
    out.push({ name: MAPS, type: SHT.PROGBITS, flags: SHF.ALLOC | SHF.WRITE, data: new Uint8Array(end), align: 8 });
  }
  return out;
}
