/**
 * `.BTF` encode and decode (Documentation/bpf/btf.rst): a 24-byte header, the type section (one
 * `struct btf_type` per type plus its kind's trailing data) and the string section.
 *
 * Encoding is split in two so that `.BTF` and `.BTF.ext` can share one string table:
 * `encodeBtfTypes` adds names to a `BtfStringTable`, the caller may add more strings (line info,
 * CO-RE access strings), then `assembleBtf` writes header, types and the finished table.
 */
import { ByteReader, ByteWriter, StringTableReader } from "../bytes.js";
import { ObjectFormatError, ObjectSpecError } from "../errors.js";
import { BTF_HEADER_SIZE, BTF_MAGIC, BTF_VERSION, IntEncoding, kindNumber } from "./kinds.js";
import { BtfStringTable, indexStrings } from "./strings.js";
import type { Btf, BtfType } from "./types.js";
import { readTypeRecord, trailingBytes } from "./type-record.js";
import { validateBtf } from "./validate.js";

const SECTION = ".BTF";

/**
 * The raw string section of each decoded or encoded base BTF, so that a split BTF on top of it
 * can resolve (and, when encoding, reuse) the base's string offsets.
 */
const rawStrings = new WeakMap<Btf, Uint8Array>();

/**
 * A base BTF's string section: the decoded one when known, else the one `encodeBtf` gives it
 * (recomputed each time, since a hand-built model may change between calls).
 */
function baseStrings(base: Btf): Uint8Array {
  const decoded = rawStrings.get(base);
  if (decoded !== undefined) return decoded;
  const bytes = encodeBtf(base);
  return bytes.subarray(BTF_HEADER_SIZE + typeSectionLength(bytes));
}

/** The first type id of `btf` (1 unless split). */
export function firstTypeId(btf: Btf): number {
  return btf.firstTypeId ?? 1;
}

/** A string table for encoding `btf`: split BTF continues the base's offsets. */
export function newStringTable(btf: Btf): BtfStringTable {
  if (btf.base === undefined) return new BtfStringTable();
  const bytes = baseStrings(btf.base);
  return new BtfStringTable({ bytes, offsets: indexStrings(bytes) });
}

function info(kind: number, vlen: number, kindFlag: boolean): number {
  return ((kindFlag ? 1 : 0) << 31) | (kind << 24) | (vlen & 0xffff);
}

function checkVlen(type: BtfType, id: number, vlen: number): number {
  if (vlen > 0xffff) throw new ObjectSpecError(`BTF type [${id}] (${type.kind}) has ${vlen} entries; BTF allows 65535`);
  return vlen;
}

/** The type section for `btf.types`, adding their names to `strings`. */
export function encodeBtfTypes(btf: Btf, strings: BtfStringTable): Uint8Array {
  const out = new ByteWriter();
  let id = firstTypeId(btf);
  for (const t of btf.types) {
    const kind = kindNumber[t.kind];
    if (kind === undefined) throw new ObjectSpecError(`BTF type [${id}] has unknown kind '${(t as { kind: string }).kind}'`);
    switch (t.kind) {
      case "int": {
        out.u32(strings.add(t.name)).u32(info(kind, 0, false)).u32(t.size);
        const encoding = (t.signed ? IntEncoding.SIGNED : 0) | (t.char ? IntEncoding.CHAR : 0) | (t.bool ? IntEncoding.BOOL : 0);
        out.u32((encoding << 24) | ((t.offset & 0xff) << 16) | (t.bits & 0xff));
        break;
      }
      case "ptr":
        out.u32(0).u32(info(kind, 0, false)).u32(t.type);
        break;
      case "array":
        out.u32(0).u32(info(kind, 0, false)).u32(0).u32(t.type).u32(t.indexType).u32(t.nelems);
        break;
      case "struct":
      case "union": {
        // kind_flag makes each member's offset carry its bitfield width in the top 8 bits.
        const bitfields = t.members.some((m) => m.bitfieldSize !== 0);
        out.u32(strings.add(t.name)).u32(info(kind, checkVlen(t, id, t.members.length), bitfields)).u32(t.size);
        for (const m of t.members) {
          out.u32(strings.add(m.name)).u32(m.type);
          out.u32(bitfields ? ((m.bitfieldSize & 0xff) << 24) | (m.bitOffset & 0xffffff) : m.bitOffset);
        }
        break;
      }
      case "enum":
        out.u32(strings.add(t.name)).u32(info(kind, checkVlen(t, id, t.values.length), t.signed)).u32(t.size);
        for (const v of t.values) out.u32(strings.add(v.name)).u32(v.value >>> 0);
        break;
      case "enum64":
        out.u32(strings.add(t.name)).u32(info(kind, checkVlen(t, id, t.values.length), t.signed)).u32(t.size);
        for (const v of t.values) {
          const bits = BigInt.asUintN(64, v.value);
          out.u32(strings.add(v.name)).u32(Number(bits & 0xffffffffn)).u32(Number(bits >> 32n));
        }
        break;
      case "fwd":
        out.u32(strings.add(t.name)).u32(info(kind, 0, t.union)).u32(0);
        break;
      case "typedef":
      case "volatile":
      case "const":
      case "restrict":
      case "type_tag":
        out.u32(strings.add(t.name)).u32(info(kind, 0, t.attribute === true)).u32(t.type);
        break;
      case "func":
        out.u32(strings.add(t.name)).u32(info(kind, t.linkage, false)).u32(t.type);
        break;
      case "func_proto":
        out.u32(0).u32(info(kind, checkVlen(t, id, t.params.length), false)).u32(t.returnType);
        for (const p of t.params) out.u32(strings.add(p.name)).u32(p.type);
        break;
      case "var":
        out.u32(strings.add(t.name)).u32(info(kind, 0, false)).u32(t.type).u32(t.linkage);
        break;
      case "datasec":
        out.u32(strings.add(t.name)).u32(info(kind, checkVlen(t, id, t.vars.length), false)).u32(t.size);
        for (const v of t.vars) out.u32(v.type).u32(v.offset).u32(v.size);
        break;
      case "float":
        out.u32(strings.add(t.name)).u32(info(kind, 0, false)).u32(t.size);
        break;
      case "decl_tag":
        out.u32(strings.add(t.name)).u32(info(kind, 0, t.attribute === true)).u32(t.type).i32(t.componentIdx);
        break;
    }
    id++;
  }
  return out.finish();
}

/** Header + type section + the finished string table. */
export function assembleBtf(typeSection: Uint8Array, strings: BtfStringTable): Uint8Array {
  const stringSection = strings.finish();
  const out = new ByteWriter();
  out.u16(BTF_MAGIC).u8(BTF_VERSION).u8(0).u32(BTF_HEADER_SIZE);
  out.u32(0).u32(typeSection.length).u32(typeSection.length).u32(stringSection.length);
  out.bytes(typeSection).bytes(stringSection);
  return out.finish();
}

/** `.BTF` bytes for `btf` (a split BTF is encoded against `btf.base`'s strings and ids). */
export function encodeBtf(btf: Btf): Uint8Array {
  const strings = newStringTable(btf);
  return assembleBtf(encodeBtfTypes(btf, strings), strings);
}

function typeSectionLength(bytes: Uint8Array): number {
  return new DataView(bytes.buffer, bytes.byteOffset).getUint32(12, true);
}

/** Parsed `.BTF` header: where the type and string sections are. */
interface BtfLayout {
  types: Uint8Array;
  strings: Uint8Array;
}

function readHeader(r: ByteReader): BtfLayout {
  const h = checkHeader(r.bytes, SECTION);
  return {
    types: r.slice(h.typeStart, h.typeLen, "type section"),
    strings: r.slice(h.strStart, h.strLen, "string section"),
  };
}

/** Where a `.BTF` blob's sections are (byte offsets into the blob). */
export interface BtfHeader {
  hdrLen: number;
  typeStart: number;
  typeLen: number;
  strStart: number;
  strLen: number;
}

/**
 * The kernel's header checks (btf_parse_hdr, btf_check_sec_info): magic, version, no flags, a
 * 4-byte aligned type section, both sections inside the blob and not overlapping. An overlap
 * would make the same bytes both type records and names.
 */
export function checkHeader(bytes: Uint8Array, section: string): BtfHeader {
  const r = new ByteReader(bytes, section);
  if (r.length < BTF_HEADER_SIZE) throw new ObjectFormatError(section, `${r.length} bytes is too short for a header`);
  const magic = r.u16(0);
  if (magic === 0x9feb) throw new ObjectFormatError(section, "big-endian BTF is not supported");
  if (magic !== BTF_MAGIC) throw new ObjectFormatError(section, `bad magic 0x${magic.toString(16)} (want 0xeb9f)`);
  const version = r.u8(2);
  if (version !== BTF_VERSION) throw new ObjectFormatError(section, `unsupported version ${version}`);
  const flags = r.u8(3);
  if (flags !== 0) throw new ObjectFormatError(section, `unsupported flags 0x${flags.toString(16)}`);
  const hdrLen = r.u32(4);
  if (hdrLen < BTF_HEADER_SIZE) throw new ObjectFormatError(section, `header length ${hdrLen} is less than ${BTF_HEADER_SIZE}`);
  if (hdrLen > r.length) throw new ObjectFormatError(section, `header length ${hdrLen} runs past the end (${r.length} bytes)`);
  const typeOff = r.u32(8);
  const typeLen = r.u32(12);
  const strOff = r.u32(16);
  const strLen = r.u32(20);
  if (typeOff % 4 !== 0) throw new ObjectFormatError(section, `type section offset ${typeOff} is not 4-byte aligned`);
  const body = r.length - hdrLen;
  if (typeOff + typeLen > body) throw new ObjectFormatError(section, `type section at offset ${hdrLen + typeOff} (${typeLen} bytes) runs past the end (${r.length} bytes)`);
  if (strOff + strLen > body) throw new ObjectFormatError(section, `string section at offset ${hdrLen + strOff} (${strLen} bytes) runs past the end (${r.length} bytes)`);
  if (typeLen > 0 && strLen > 0 && typeOff < strOff + strLen && strOff < typeOff + typeLen) {
    throw new ObjectFormatError(section, `the string section (${strOff}..${strOff + strLen}) overlaps the type section (${typeOff}..${typeOff + typeLen})`);
  }
  return { hdrLen, typeStart: hdrLen + typeOff, typeLen, strStart: hdrLen + strOff, strLen };
}

/**
 * Decodes `.BTF` bytes. Pass `base` for a split BTF (a module's BTF over vmlinux): type ids and
 * string offsets then continue from the base's, and the result's `base` points at it.
 */
export function decodeBtf(bytes: Uint8Array, base?: Btf): Btf {
  const layout = readHeader(new ByteReader(bytes, SECTION));
  if (layout.strings.length > 0 && layout.strings[layout.strings.length - 1] !== 0) {
    throw new ObjectFormatError(SECTION, "string section must end with a NUL byte");
  }
  const own = new StringTableReader(layout.strings, SECTION);
  let name: (offset: number, what: string) => string;
  let first = 1;
  if (base !== undefined) {
    const baseBytes = baseStrings(base);
    const baseTable = new StringTableReader(baseBytes, `${SECTION} (base)`);
    const split = baseBytes.length;
    name = (offset, what) => (offset < split ? baseTable.get(offset, what) : own.get(offset - split, what));
    first = firstTypeId(base) + base.types.length;
  } else {
    if (layout.strings.length === 0 || layout.strings[0] !== 0) {
      throw new ObjectFormatError(SECTION, "string section must start with a NUL byte");
    }
    name = (offset, what) => own.get(offset, what);
  }
  const types = decodeTypes(new ByteReader(layout.types, SECTION), first, name);
  const btf: Btf = base !== undefined ? { types, firstTypeId: first, base } : { types };
  validateBtf(btf, SECTION);
  if (base === undefined) rawStrings.set(btf, layout.strings);
  return btf;
}

function decodeTypes(r: ByteReader, first: number, name: (offset: number, what: string) => string): BtfType[] {
  const types: BtfType[] = [];
  const view = r.view;
  const end = r.length;
  // Hot loop (vmlinux has ~130k types): no per-type closures or strings; messages are built on failure only.
  let id = first;
  const str = (offset: number) => name(offset, "name");
  let at = 0;
  try {
    for (; at < end; id++) {
      if (at + 12 > end) r.check(at, 12, `type [${id}] data`);
      const infoWord = view.getUint32(at + 4, true);
      const size = trailingBytes((infoWord >>> 24) & 0x1f, infoWord & 0xffff);
      if (size >= 0 && at + 12 + size > end) r.check(at + 12, size, `type [${id}] data`);
      types.push(readTypeRecord(view, at, id, str, SECTION));
      at += 12 + size;
    }
  } catch (error) {
    // A bad string offset is only known deep in `name`: say which type it belongs to.
    if (error instanceof ObjectFormatError && !error.message.includes(`type [${id}]`)) {
      throw new ObjectFormatError(SECTION, `type [${id}]: ${error.message.slice(SECTION.length + 2)}`);
    }
    throw error;
  }
  return types;
}
