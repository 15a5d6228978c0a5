/**
 * The record type of a ring buffer (or perf event array), which the kernel's map has no place for:
 * its key and value sizes must be 0. tsbpf names it with a BTF DECL_TAG on the record type
 * (a struct, union or typedef), tag text `tsbpf.record:<map name>`, so that user space can decode
 * records from the object alone. The kernel (5.16+) and libbpf accept and ignore such tags.
 */
import type { Btf } from "./types.js";

export const RECORD_TAG_PREFIX = "tsbpf.record:";

/** The id of the type tagged as `mapName`'s record type, or 0 when there is none. */
export function recordTypeOf(btf: Btf, mapName: string): number {
  const tag = RECORD_TAG_PREFIX + mapName;
  for (let index = 0; index < btf.types.length; index++) {
    const type = btf.types[index]!;
    if (type.kind === "decl_tag" && type.componentIdx === -1 && type.name === tag) return type.type;
  }
  return 0;
}
