/**
 * `.BTF.ext` encode and decode: func_info, line_info and CO-RE relocation records, grouped by the
 * ELF section of the instructions they describe (Documentation/bpf/btf.rst, libbpf's btf.c).
 * Instruction offsets here are in BYTES from the start of that ELF section, as in the file; the
 * ELF layers convert them to and from the spec's slot indices.
 *
 * Layout: a header (magic, version, flags, hdr_len, then off/len pairs for func_info, line_info and,
 * from hdr_len 32, core_relo; offsets count from the end of the header), and per kind a u32
 * record size followed by `{ sec_name_off, num_info, records[num_info] }` groups. All strings
 * (section names, file names, source lines, access strings) live in `.BTF`'s string table.
 */
import { ByteReader, ByteWriter, StringTableReader } from "../bytes.js";
import { ObjectFormatError } from "../errors.js";
import { BTF_HEADER_SIZE, BTF_MAGIC, BTF_VERSION } from "./kinds.js";
import type { BtfStringTable } from "./strings.js";

const SECTION = ".BTF.ext";
const HEADER_SIZE = 32;
/** Header size of objects from before CO-RE (no core_relo_off/len). */
const MIN_HEADER_SIZE = 24;

export const FUNC_INFO_SIZE = 8;
export const LINE_INFO_SIZE = 16;
export const CORE_RELO_SIZE = 16;

export interface BtfExtFuncInfo {
  /** Byte offset in the section. */
  insnOff: number;
  typeId: number;
}

export interface BtfExtLineInfo {
  /** Byte offset in the section. */
  insnOff: number;
  fileName: string;
  lineText: string;
  line: number;
  column: number;
}

export interface BtfExtCoreRelo {
  /** Byte offset in the section. */
  insnOff: number;
  typeId: number;
  accessString: string;
  kind: number;
}

/** The records of one ELF section. */
export interface BtfExtSection<T> {
  section: string;
  records: T[];
}

export interface BtfExt {
  funcInfo: BtfExtSection<BtfExtFuncInfo>[];
  lineInfo: BtfExtSection<BtfExtLineInfo>[];
  coreRelos: BtfExtSection<BtfExtCoreRelo>[];
}

/** Line and column share one u32: `line << 10 | column` (columns above 1023 are clamped). */
function lineCol(line: number, column: number): number {
  return ((line << 10) | Math.min(column, 0x3ff)) >>> 0;
}

function encodeKind<T>(
  out: ByteWriter,
  groups: readonly BtfExtSection<T>[],
  recordSize: number,
  strings: BtfStringTable,
  write: (record: T) => void,
): void {
  const used = groups.filter((g) => g.records.length > 0);
  if (used.length === 0) return; // an empty kind has length 0 and no record-size word
  out.u32(recordSize);
  for (const group of used) {
    out.u32(strings.add(group.section)).u32(group.records.length);
    for (const record of group.records) write(record);
  }
}

/** `.BTF.ext` bytes; strings are added to `strings`, which must then be emitted as `.BTF`'s table. */
export function encodeBtfExt(ext: BtfExt, strings: BtfStringTable): Uint8Array {
  const body = new ByteWriter();
  const funcStart = body.length;
  encodeKind(body, ext.funcInfo, FUNC_INFO_SIZE, strings, (r) => body.u32(r.insnOff).u32(r.typeId));
  const lineStart = body.length;
  encodeKind(body, ext.lineInfo, LINE_INFO_SIZE, strings, (r) =>
    body.u32(r.insnOff).u32(strings.add(r.fileName)).u32(strings.add(r.lineText)).u32(lineCol(r.line, r.column)),
  );
  const coreStart = body.length;
  encodeKind(body, ext.coreRelos, CORE_RELO_SIZE, strings, (r) =>
    body.u32(r.insnOff).u32(r.typeId).u32(strings.add(r.accessString)).u32(r.kind),
  );
  const end = body.length;
  const out = new ByteWriter();
  out.u16(BTF_MAGIC).u8(BTF_VERSION).u8(0).u32(HEADER_SIZE);
  out.u32(funcStart).u32(lineStart - funcStart);
  out.u32(lineStart).u32(coreStart - lineStart);
  out.u32(coreStart).u32(end - coreStart);
  out.bytes(body.finish());
  return out.finish();
}

/** A reader for the string table of a `.BTF` blob (what `.BTF.ext` offsets refer to). */
export function btfStrings(btfBytes: Uint8Array): StringTableReader {
  const r = new ByteReader(btfBytes, ".BTF");
  if (r.length < BTF_HEADER_SIZE || r.u16(0) !== BTF_MAGIC) throw new ObjectFormatError(".BTF", "not a BTF blob (bad header)");
  const hdrLen = r.u32(4);
  return new StringTableReader(r.slice(hdrLen + r.u32(16), r.u32(20), "string section"), ".BTF");
}

function decodeKind<T>(
  r: ByteReader,
  start: number,
  length: number,
  minRecordSize: number,
  kind: string,
  strings: StringTableReader,
  read: (at: number) => T,
): BtfExtSection<T>[] {
  if (length === 0) return [];
  r.check(start, length, kind);
  if (start % 4 !== 0) throw new ObjectFormatError(SECTION, `${kind} offset ${start} is not 4-byte aligned`);
  const end = start + length;
  const recordSize = r.u32(start, `${kind} record size`);
  // Newer producers may append fields: honour a larger record size, skipping what we do not know.
  if (recordSize < minRecordSize || recordSize % 4 !== 0) {
    throw new ObjectFormatError(SECTION, `${kind} record size ${recordSize} (want ${minRecordSize} or more, a multiple of 4)`);
  }
  const groups: BtfExtSection<T>[] = [];
  let at = start + 4;
  while (at < end) {
    if (at + 8 > end) throw new ObjectFormatError(SECTION, `${kind}: truncated section header at offset ${at}`);
    const section = strings.get(r.u32(at), `${kind} section name`);
    const count = r.u32(at + 4);
    at += 8;
    if (at + count * recordSize > end) {
      throw new ObjectFormatError(SECTION, `${kind} for '${section}': ${count} records of ${recordSize} bytes run past the end`);
    }
    const records: T[] = new Array(count);
    for (let i = 0; i < count; i++, at += recordSize) records[i] = read(at);
    groups.push({ section, records });
  }
  return groups;
}

/** Decodes `.BTF.ext` bytes; `btfBytes` is the object's `.BTF`, whose string table the records use. */
export function decodeBtfExt(bytes: Uint8Array, btfBytes: Uint8Array): BtfExt {
  const strings = btfStrings(btfBytes);
  const r = new ByteReader(bytes, SECTION);
  if (r.length < MIN_HEADER_SIZE) throw new ObjectFormatError(SECTION, `${r.length} bytes is too short for a header`);
  const magic = r.u16(0);
  if (magic !== BTF_MAGIC) throw new ObjectFormatError(SECTION, `bad magic 0x${magic.toString(16)} (want 0xeb9f)`);
  if (r.u8(2) !== BTF_VERSION) throw new ObjectFormatError(SECTION, `unsupported version ${r.u8(2)}`);
  const hdrLen = r.u32(4);
  if (hdrLen < MIN_HEADER_SIZE) throw new ObjectFormatError(SECTION, `header length ${hdrLen} is less than ${MIN_HEADER_SIZE}`);
  r.check(0, hdrLen, "header");
  const hasCore = hdrLen >= HEADER_SIZE;
  return {
    funcInfo: decodeKind(r, hdrLen + r.u32(8), r.u32(12), FUNC_INFO_SIZE, "func_info", strings, (at) => ({
      insnOff: r.u32(at),
      typeId: r.u32(at + 4),
    })),
    lineInfo: decodeKind(r, hdrLen + r.u32(16), r.u32(20), LINE_INFO_SIZE, "line_info", strings, (at) => {
      const lc = r.u32(at + 12);
      return {
        insnOff: r.u32(at),
        fileName: strings.get(r.u32(at + 4), "line_info file name"),
        lineText: strings.get(r.u32(at + 8), "line_info line"),
        line: lc >>> 10,
        column: lc & 0x3ff,
      };
    }),
    coreRelos: hasCore
      ? decodeKind(r, hdrLen + r.u32(24), r.u32(28), CORE_RELO_SIZE, "core_relo", strings, (at) => ({
          insnOff: r.u32(at),
          typeId: r.u32(at + 4),
          accessString: strings.get(r.u32(at + 8), "core_relo access string"),
          kind: r.u32(at + 12),
        }))
      : [],
  };
}
