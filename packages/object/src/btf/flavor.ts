/**
 * CO-RE flavours: `task_struct___old` is a local variant of `task_struct` that matches the same
 * kernel types. libbpf strips everything from the last `X___Y` separator (X and Y not `_`), and
 * compares what is left, the "essential name" (libbpf's bpf_core_essential_name_len).
 */

/** Length of the essential part of `name` (the whole name when it has no flavour). */
export function essentialNameLength(name: string): number {
  for (let i = name.length - 5; i >= 0; i--) {
    if (name[i] !== "_" && name[i + 1] === "_" && name[i + 2] === "_" && name[i + 3] === "_" && name[i + 4] !== "_") return i + 1;
  }
  return name.length;
}

/** `name` without its flavour suffix: `task_struct___old` → `task_struct`. */
export function essentialName(name: string): string {
  return name.slice(0, essentialNameLength(name));
}

/** The same rule over the bytes of a NUL-terminated name in a string section, from `start` to `end`. */
export function essentialByteLength(bytes: Uint8Array, start: number, end: number): number {
  const US = 0x5f;
  for (let i = end - 5; i >= start; i--) {
    if (bytes[i] !== US && bytes[i + 1] === US && bytes[i + 2] === US && bytes[i + 3] === US && bytes[i + 4] !== US) return i + 1 - start;
  }
  return end - start;
}
