/**
 * Adjusts an object's BTF to what the kernel accepts, on a copy (the spec stays as compiled):
 * the kernel's INT check allows at most one encoding bit (SIGNED, CHAR or BOOL), so an INT
 * flagged both signed and char (a C `char` described fully) keeps CHAR only, and signed+bool
 * keeps BOOL. Marshalling reads the original model, so nothing is lost for user space.
 */
import type { Btf, BtfType } from "@tsbpf/object";

function sanitizeType(t: BtfType): BtfType {
  if (t.kind === "int") {
    const bits = Number(t.signed) + Number(t.char) + Number(t.bool);
    if (bits > 1) return { ...t, signed: false, char: t.char && !t.bool, bool: t.bool };
  }
  return t;
}

export function sanitizeBtf(btf: Btf): Btf {
  let changed = false;
  const types = btf.types.map((t) => {
    const s = sanitizeType(t);
    if (s !== t) changed = true;
    return s;
  });
  return changed ? { ...btf, types } : btf;
}
