/**
 * Encodes a BTF model into the kernel's `.BTF` wire format (Documentation/bpf/btf.rst) for
 * BPF_BTF_LOAD. The runtime encodes itself rather than loading the object's raw `.BTF` because
 * line_info records point into the string table: the loader adds the source lines to the table
 * and needs their offsets. The layout is the host's byte order, as the kernel reads it.
 */
import type { Btf, BtfType } from "@tsbpf/object";
import { littleEndian } from "../sys/attr.js";
import { StringTable } from "./strings.js";

const BTF_MAGIC = 0xeb9f;
const HEADER_LEN = 24;

/** `BTF_KIND_*`. */
export const BtfKind = {
  int: 1, ptr: 2, array: 3, struct: 4, union: 5, enum: 6, fwd: 7, typedef: 8, volatile: 9, const: 10,
  restrict: 11, func: 12, func_proto: 13, var: 14, datasec: 15, float: 16, decl_tag: 17, type_tag: 18, enum64: 19,
} as const;

const INT_SIGNED = 1;
const INT_CHAR = 2;
const INT_BOOL = 4;

export interface EncodedBtf {
  bytes: Uint8Array;
  /** The string table the bytes hold (offsets of every name and extra string). */
  strings: StringTable;
}

class Writer {
  #buf = new Uint8Array(4096);
  #view = new DataView(this.#buf.buffer);
  length = 0;

  u32(value: number): void {
    if (this.length + 4 > this.#buf.length) {
      const bigger = new Uint8Array(this.#buf.length * 2);
      bigger.set(this.#buf);
      this.#buf = bigger;
      this.#view = new DataView(bigger.buffer);
    }
    this.#view.setUint32(this.length, value >>> 0, littleEndian);
    this.length += 4;
  }

  bytes(): Uint8Array {
    return this.#buf.subarray(0, this.length);
  }
}

function info(kind: number, vlen: number, kindFlag: boolean): number {
  return ((kindFlag ? 1 : 0) << 31) | (kind << 24) | (vlen & 0xffff);
}

function writeType(w: Writer, t: BtfType, s: StringTable): void {
  switch (t.kind) {
    case "int": {
      w.u32(s.add(t.name));
      w.u32(info(BtfKind.int, 0, false));
      w.u32(t.size);
      const encoding = (t.signed ? INT_SIGNED : 0) | (t.char ? INT_CHAR : 0) | (t.bool ? INT_BOOL : 0);
      w.u32((encoding << 24) | ((t.offset & 0xff) << 16) | (t.bits & 0xff));
      return;
    }
    case "ptr":
      w.u32(0);
      w.u32(info(BtfKind.ptr, 0, false));
      w.u32(t.type);
      return;
    case "array":
      w.u32(0);
      w.u32(info(BtfKind.array, 0, false));
      w.u32(0);
      w.u32(t.type);
      w.u32(t.indexType);
      w.u32(t.nelems);
      return;
    case "struct":
    case "union": {
      const bitfields = t.members.some((m) => m.bitfieldSize > 0);
      w.u32(s.add(t.name));
      w.u32(info(t.kind === "struct" ? BtfKind.struct : BtfKind.union, t.members.length, bitfields));
      w.u32(t.size);
      for (const m of t.members) {
        w.u32(s.add(m.name));
        w.u32(m.type);
        w.u32(bitfields ? ((m.bitfieldSize & 0xff) << 24) | (m.bitOffset & 0xffffff) : m.bitOffset);
      }
      return;
    }
    case "enum":
      w.u32(s.add(t.name));
      w.u32(info(BtfKind.enum, t.values.length, t.signed));
      w.u32(t.size);
      for (const v of t.values) {
        w.u32(s.add(v.name));
        w.u32(v.value | 0);
      }
      return;
    case "enum64":
      w.u32(s.add(t.name));
      w.u32(info(BtfKind.enum64, t.values.length, t.signed));
      w.u32(t.size);
      for (const v of t.values) {
        const bits = BigInt.asUintN(64, v.value);
        w.u32(s.add(v.name));
        w.u32(Number(bits & 0xffffffffn));
        w.u32(Number(bits >> 32n));
      }
      return;
    case "fwd":
      w.u32(s.add(t.name));
      w.u32(info(BtfKind.fwd, 0, t.union));
      w.u32(0);
      return;
    case "typedef":
    case "volatile":
    case "const":
    case "restrict":
    case "type_tag":
      w.u32(s.add(t.name));
      w.u32(info(BtfKind[t.kind], 0, false));
      w.u32(t.type);
      return;
    case "func":
      w.u32(s.add(t.name));
      w.u32(info(BtfKind.func, t.linkage, false));
      w.u32(t.type);
      return;
    case "func_proto":
      w.u32(0);
      w.u32(info(BtfKind.func_proto, t.params.length, false));
      w.u32(t.returnType);
      for (const p of t.params) {
        w.u32(s.add(p.name));
        w.u32(p.type);
      }
      return;
    case "var":
      w.u32(s.add(t.name));
      w.u32(info(BtfKind.var, 0, false));
      w.u32(t.type);
      w.u32(t.linkage);
      return;
    case "datasec": {
      // The kernel wants the section's variables in offset order.
      const vars = [...t.vars].sort((a, b) => a.offset - b.offset);
      w.u32(s.add(t.name));
      w.u32(info(BtfKind.datasec, vars.length, false));
      w.u32(t.size);
      for (const v of vars) {
        w.u32(v.type);
        w.u32(v.offset);
        w.u32(v.size);
      }
      return;
    }
    case "float":
      w.u32(s.add(t.name));
      w.u32(info(BtfKind.float, 0, false));
      w.u32(t.size);
      return;
    case "decl_tag":
      w.u32(s.add(t.name));
      w.u32(info(BtfKind.decl_tag, 0, false));
      w.u32(t.type);
      w.u32(t.componentIdx);
      return;
  }
}

/**
 * Encodes `btf` with `extraStrings` (file names, source lines) added to its string table.
 * Only base BTF (firstTypeId 1) can be loaded with BPF_BTF_LOAD from an object.
 */
export function encodeBtfForKernel(btf: Btf, extraStrings: Iterable<string> = []): EncodedBtf {
  if ((btf.firstTypeId ?? 1) !== 1) throw new Error("a split BTF cannot be loaded as an object's BTF");
  const strings = new StringTable();
  const types = new Writer();
  for (const t of btf.types) writeType(types, t, strings);
  for (const text of extraStrings) strings.add(text);
  const typeBytes = types.bytes();
  const stringBytes = strings.bytes();
  const out = new Uint8Array(HEADER_LEN + typeBytes.length + stringBytes.length);
  const view = new DataView(out.buffer);
  view.setUint16(0, BTF_MAGIC, littleEndian);
  view.setUint8(2, 1); // version
  view.setUint8(3, 0); // flags
  view.setUint32(4, HEADER_LEN, littleEndian);
  view.setUint32(8, 0, littleEndian); // type_off
  view.setUint32(12, typeBytes.length, littleEndian);
  view.setUint32(16, typeBytes.length, littleEndian); // str_off
  view.setUint32(20, stringBytes.length, littleEndian);
  out.set(typeBytes, HEADER_LEN);
  out.set(stringBytes, HEADER_LEN + typeBytes.length);
  return { bytes: out, strings };
}
