/** How libbpf classifies ELF sections by name. */
import type { MapKind } from "../spec.js";

/** The global-data kind of a section name (`.rodata`, `.rodata.<x>`, ...), or undefined. */
export function dataSectionKind(name: string): Exclude<MapKind, "btf-map"> | undefined {
  for (const kind of ["rodata", "data", "bss"] as const) {
    if (name === `.${kind}` || name.startsWith(`.${kind}.`)) return kind;
  }
  return undefined;
}

/** DWARF and other debug sections, which a BPF loader ignores. */
export function isDebugSection(name: string): boolean {
  return name.startsWith(".debug_") || name.startsWith(".rel.debug_") || name === ".llvm_addrsig";
}
