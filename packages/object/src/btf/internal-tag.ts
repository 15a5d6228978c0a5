/**
 * Maps a probe declares `internal: true` (state passed between programs, such as runqlat's start
 * timestamps) carry a BTF DECL_TAG `tsbpf.internal` on their `.maps` variable, so that `tsbpf run`
 * can leave them out of what it prints from the object alone. The kernel (5.16+) and libbpf accept
 * and ignore such tags.
 */
import type { Btf } from "./types.js";

export const INTERNAL_TAG = "tsbpf.internal";

/** Whether the `.maps` variable `mapName` is tagged internal. */
export function isInternalMap(btf: Btf, mapName: string): boolean {
  for (const type of btf.types) {
    if (type.kind !== "decl_tag" || type.name !== INTERNAL_TAG || type.componentIdx !== -1) continue;
    const target = btf.types[type.type - 1];
    if (target?.kind === "var" && target.name === mapName) return true;
  }
  return false;
}
