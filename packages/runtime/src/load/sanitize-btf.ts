/**
 * Adjusts an object's BTF to what the running kernel accepts, on a copy (the spec stays as
 * compiled, and marshalling keeps reading the original). Type ids never change: each kind the
 * kernel does not know is replaced by one of the same wire size, as libbpf's sanitizer does.
 *
 * - INT with more than one encoding bit (the kernel allows one): keep CHAR or BOOL.
 * - DECL_TAG (kernel 5.16) → a 1-byte INT; TYPE_TAG (5.17) → CONST; FLOAT (5.13) → an empty
 *   STRUCT of the same size; ENUM64 (6.0) → an empty UNION of the same size.
 */
import type { Btf, BtfType } from "@tsbpf/object";

export interface BtfKernelSupport {
  declTag: boolean;
  typeTag: boolean;
  float: boolean;
  enum64: boolean;
}

const everything: BtfKernelSupport = { declTag: true, typeTag: true, float: true, enum64: true };

function sanitizeType(t: BtfType, support: BtfKernelSupport): BtfType {
  switch (t.kind) {
    case "int": {
      const bits = Number(t.signed) + Number(t.char) + Number(t.bool);
      return bits > 1 ? { ...t, signed: false, char: t.char && !t.bool } : t;
    }
    case "decl_tag":
      return support.declTag ? t : { kind: "int", name: t.name, size: 1, signed: false, char: false, bool: false, offset: 0, bits: 8 };
    case "type_tag":
      return support.typeTag ? t : { kind: "const", name: "", type: t.type };
    case "float":
      return support.float ? t : { kind: "struct", name: t.name, size: t.size, members: [] };
    case "enum64":
      return support.enum64 ? t : { kind: "union", name: t.name, size: t.size, members: [] };
    default:
      return t;
  }
}

export function sanitizeBtf(btf: Btf, support: BtfKernelSupport = everything): Btf {
  let changed = false;
  const types = btf.types.map((t) => {
    const s = sanitizeType(t, support);
    if (s !== t) changed = true;
    return s;
  });
  return changed ? { ...btf, types } : btf;
}
