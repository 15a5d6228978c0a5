/**
 * Adjusts an object's BTF to what the running kernel accepts, on a copy (the spec stays as
 * compiled, and marshalling keeps reading the original). Type ids never change: each kind the
 * kernel does not know is replaced by one of the same wire size, as libbpf's sanitizer does.
 *
 * - INT with more than one encoding bit (the kernel allows one): keep CHAR or BOOL.
 * - DECL_TAG (kernel 5.16) → a 1-byte INT; TYPE_TAG (5.17) → CONST; FLOAT (5.13) → an empty
 *   STRUCT of the same size; ENUM64 (6.0) → an empty UNION of the same size.
 * - extern VARs (`__kconfig`, linkage extern, which the kernel refuses) become global allocated,
 *   and the DATASEC holding them gets the layout the loader gives the `.kconfig` map (each
 *   variable 8-byte aligned, in order), as libbpf does.
 */
import { typeSize, type Btf, type BtfType } from "@tsbpf/object";

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

const BTF_VAR_GLOBAL_EXTERN = 2;

/** Extern VARs made global allocated, and their DATASECs laid out. */
function fixExterns(btf: Btf, types: BtfType[]): boolean {
  const first = btf.firstTypeId ?? 1;
  let changed = false;
  types.forEach((t, i) => {
    if (t.kind !== "datasec") return;
    const externs = t.vars.filter((v) => {
      const target = types[v.type - first];
      return target?.kind === "var" && target.linkage === BTF_VAR_GLOBAL_EXTERN;
    });
    if (externs.length === 0) return;
    let size = 0;
    const vars = t.vars.map((v) => {
      const target = types[v.type - first];
      if (target?.kind !== "var") return v;
      const varSize = typeSize(btf, target.type);
      size = Math.ceil(size / 8) * 8;
      const laid = { ...v, offset: size, size: varSize };
      size += varSize;
      return laid;
    });
    types[i] = { ...t, vars, size: Math.ceil(size / 8) * 8 };
    for (const v of externs) types[v.type - first] = { ...(types[v.type - first] as BtfType & { kind: "var" }), linkage: 1 };
    changed = true;
  });
  return changed;
}

export function sanitizeBtf(btf: Btf, support: BtfKernelSupport = everything): Btf {
  let changed = false;
  const types = btf.types.map((t) => {
    const s = sanitizeType(t, support);
    if (s !== t) changed = true;
    return s;
  });
  if (fixExterns(btf, types)) changed = true;
  return changed ? { ...btf, types } : btf;
}
