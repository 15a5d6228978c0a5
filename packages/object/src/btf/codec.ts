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
import { BTF_HEADER_SIZE, BTF_MAGIC, BTF_VERSION, BtfKind, IntEncoding, kindNumber } from "./kinds.js";
import { BtfStringTable, indexStrings } from "./strings.js";
import type { Btf, BtfMember, BtfType } from "./types.js";

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
  if (r.length < BTF_HEADER_SIZE) throw new ObjectFormatError(SECTION, `${r.length} bytes is too short for a header`);
  const magic = r.u16(0);
  if (magic === 0x9feb) throw new ObjectFormatError(SECTION, "big-endian BTF is not supported");
  if (magic !== BTF_MAGIC) throw new ObjectFormatError(SECTION, `bad magic 0x${magic.toString(16)} (want 0xeb9f)`);
  const version = r.u8(2);
  if (version !== BTF_VERSION) throw new ObjectFormatError(SECTION, `unsupported version ${version}`);
  const hdrLen = r.u32(4);
  if (hdrLen < BTF_HEADER_SIZE) throw new ObjectFormatError(SECTION, `header length ${hdrLen} is less than ${BTF_HEADER_SIZE}`);
  const typeOff = r.u32(8);
  const typeLen = r.u32(12);
  const strOff = r.u32(16);
  const strLen = r.u32(20);
  return {
    types: r.slice(hdrLen + typeOff, typeLen, "type section"),
    strings: r.slice(hdrLen + strOff, strLen, "string section"),
  };
}

/**
 * Decodes `.BTF` bytes. Pass `base` for a split BTF (a module's BTF over vmlinux): type ids and
 * string offsets then continue from the base's, and the result's `base` points at it.
 */
export function decodeBtf(bytes: Uint8Array, base?: Btf): Btf {
  const layout = readHeader(new ByteReader(bytes, SECTION));
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
  if (base === undefined) rawStrings.set(btf, layout.strings);
  return btf;
}

function decodeTypes(r: ByteReader, first: number, name: (offset: number, what: string) => string): BtfType[] {
  const types: BtfType[] = [];
  const view = r.view;
  const end = r.length;
  // Hot loop (vmlinux has ~130k types): no per-type closures or strings; messages are built on failure only.
  let id = first;
  const need = (at: number, size: number) => {
    if (at + size > end) r.check(at, size, `type [${id}] data`);
  };
  const str = (offset: number) => name(offset, "name");
  let at = 0;
  try {
    for (; at < end; id++) {
      need(at, 12);
      const nameOff = view.getUint32(at, true);
      const infoWord = view.getUint32(at + 4, true);
      const sizeOrType = view.getUint32(at + 8, true);
      const vlen = infoWord & 0xffff;
      const kind = (infoWord >>> 24) & 0x1f;
      const kindFlag = infoWord >>> 31 === 1;
      at += 12;
      switch (kind) {
        case INT: {
          need(at, 4);
          const enc = view.getUint32(at, true);
          at += 4;
          const flags = enc >>> 24;
          types.push({
            kind: "int",
            name: str(nameOff),
            size: sizeOrType,
            signed: (flags & SIGNED) !== 0,
            char: (flags & CHAR) !== 0,
            bool: (flags & BOOL) !== 0,
            offset: (enc >>> 16) & 0xff,
            bits: enc & 0xff,
          });
          break;
        }
        case PTR:
          types.push({ kind: "ptr", type: sizeOrType });
          break;
        case ARRAY:
          need(at, 12);
          types.push({
            kind: "array",
            type: view.getUint32(at, true),
            indexType: view.getUint32(at + 4, true),
            nelems: view.getUint32(at + 8, true),
          });
          at += 12;
          break;
        case STRUCT:
        case UNION: {
          need(at, vlen * 12);
          const members: BtfMember[] = new Array(vlen);
          for (let i = 0; i < vlen; i++, at += 12) {
            const offset = view.getUint32(at + 8, true);
            members[i] = {
              name: str(view.getUint32(at, true)),
              type: view.getUint32(at + 4, true),
              bitOffset: kindFlag ? offset & 0xffffff : offset,
              bitfieldSize: kindFlag ? offset >>> 24 : 0,
            };
          }
          types.push({ kind: kind === STRUCT ? "struct" : "union", name: str(nameOff), size: sizeOrType, members });
          break;
        }
        case ENUM: {
          need(at, vlen * 8);
          const values: { name: string; value: number }[] = new Array(vlen);
          for (let i = 0; i < vlen; i++, at += 8) {
            values[i] = {
              name: str(view.getUint32(at, true)),
              value: kindFlag ? view.getInt32(at + 4, true) : view.getUint32(at + 4, true),
            };
          }
          types.push({ kind: "enum", name: str(nameOff), size: sizeOrType, signed: kindFlag, values });
          break;
        }
        case ENUM64: {
          need(at, vlen * 12);
          const values: { name: string; value: bigint }[] = new Array(vlen);
          for (let i = 0; i < vlen; i++, at += 12) {
            const bits = (BigInt(view.getUint32(at + 8, true)) << 32n) | BigInt(view.getUint32(at + 4, true));
            values[i] = { name: str(view.getUint32(at, true)), value: kindFlag ? BigInt.asIntN(64, bits) : bits };
          }
          types.push({ kind: "enum64", name: str(nameOff), size: sizeOrType, signed: kindFlag, values });
          break;
        }
        case FWD:
          types.push({ kind: "fwd", name: str(nameOff), union: kindFlag });
          break;
        case TYPEDEF:
        case VOLATILE:
        case CONST:
        case RESTRICT:
        case TYPE_TAG: {
          const modifier = modifierKinds[kind]!;
          types.push(
            kindFlag && kind === TYPE_TAG
              ? { kind: modifier, name: str(nameOff), type: sizeOrType, attribute: true }
              : { kind: modifier, name: str(nameOff), type: sizeOrType },
          );
          break;
        }
        case FUNC:
          types.push({ kind: "func", name: str(nameOff), type: sizeOrType, linkage: vlen });
          break;
        case FUNC_PROTO: {
          need(at, vlen * 8);
          const params: { name: string; type: number }[] = new Array(vlen);
          for (let i = 0; i < vlen; i++, at += 8) {
            params[i] = { name: str(view.getUint32(at, true)), type: view.getUint32(at + 4, true) };
          }
          types.push({ kind: "func_proto", returnType: sizeOrType, params });
          break;
        }
        case VAR:
          need(at, 4);
          types.push({ kind: "var", name: str(nameOff), type: sizeOrType, linkage: view.getUint32(at, true) });
          at += 4;
          break;
        case DATASEC: {
          need(at, vlen * 12);
          const vars: { type: number; offset: number; size: number }[] = new Array(vlen);
          for (let i = 0; i < vlen; i++, at += 12) {
            vars[i] = { type: view.getUint32(at, true), offset: view.getUint32(at + 4, true), size: view.getUint32(at + 8, true) };
          }
          types.push({ kind: "datasec", name: str(nameOff), size: sizeOrType, vars });
          break;
        }
        case FLOAT:
          types.push({ kind: "float", name: str(nameOff), size: sizeOrType });
          break;
        case DECL_TAG: {
          need(at, 4);
          const componentIdx = view.getInt32(at, true);
          at += 4;
          types.push(
            kindFlag
              ? { kind: "decl_tag", name: str(nameOff), type: sizeOrType, componentIdx, attribute: true }
              : { kind: "decl_tag", name: str(nameOff), type: sizeOrType, componentIdx },
          );
          break;
        }
        default:
          throw new ObjectFormatError(SECTION, `type [${id}]: unknown kind ${kind}`);
      }
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

// Kind numbers as module-level constants: bundlers and test transforms may turn `BtfKind.X` into a
// getter call on an import namespace, which is measurable in the vmlinux-sized loop.
const { INT, PTR, ARRAY, STRUCT, UNION, ENUM, FWD, TYPEDEF, VOLATILE, CONST, RESTRICT, FUNC, FUNC_PROTO, VAR, DATASEC, FLOAT, DECL_TAG, TYPE_TAG, ENUM64 } = BtfKind;
const SIGNED = IntEncoding.SIGNED;
const CHAR = IntEncoding.CHAR;
const BOOL = IntEncoding.BOOL;

const modifierKinds: Record<number, "typedef" | "volatile" | "const" | "restrict" | "type_tag"> = {
  [BtfKind.TYPEDEF]: "typedef",
  [BtfKind.VOLATILE]: "volatile",
  [BtfKind.CONST]: "const",
  [BtfKind.RESTRICT]: "restrict",
  [BtfKind.TYPE_TAG]: "type_tag",
};
