/** A symbolized stack frame, and how a frame is written in text, folded stacks and flame graphs. */

export interface Frame {
  address: bigint;
  /** Function name (demangled when it was a C++ or Rust mangled name), or undefined when unknown. */
  symbol?: string;
  /** Offset from the symbol's start. */
  offset?: bigint;
  /** "kernel", a kernel module's name, or the mapped file's path. */
  module?: string;
}

/** "func+0x12", or the hex address when the symbol is unknown. */
export function formatFrame(f: Frame): string {
  return f.symbol ? `${f.symbol}+0x${(f.offset ?? 0n).toString(16)}` : `0x${f.address.toString(16)}`;
}

/**
 * A frame's name in a folded stack: the symbol without its offset (so that samples in one function
 * add up), else "[file]" for an address in a known mapping, else "[unknown]" (perf's convention).
 * ";" separates frames, so it may not appear in a name; spaces may (C++ names have them): the
 * count is what follows the last space of a line, for flamegraph.pl and inferno alike.
 */
export function foldedName(f: Frame): string {
  const name = f.symbol ?? (f.module && f.module !== "kernel" ? `[${f.module.slice(f.module.lastIndexOf("/") + 1)}]` : "[unknown]");
  return name.replace(/;/g, ":").replace(/[\r\n]+/g, " ");
}
