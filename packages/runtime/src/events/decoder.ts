/**
 * Record decoders generated per record type: a function built once from the object's BTF that reads
 * each field straight from a DataView into an object literal (one shape for every record, so V8
 * keeps it monomorphic), instead of walking the codec tree per record. It returns exactly what the
 * type's codec (btf-values) returns; members the generator does not specialise (enums, pointers,
 * floats, unions, bitfields, anonymous members) call the codec for that member.
 */
import type { Btf, BtfInt, BtfStruct } from "@tsbpf/object";
import { skipModifiers } from "../btf/query.js";
import { codecFor } from "../btf-values/index.js";
import { isBoolInt, isCharInt } from "../btf-values/scalars.js";
import { littleEndian } from "../sys/attr.js";

/** Decodes the record at `offset` of `view` (which holds at least the type's size from there). */
export type RecordDecoder = (view: DataView, offset: number) => unknown;

const latin = new TextDecoder("latin1");
const utf8 = new TextDecoder();

/**
 * A NUL-terminated char array of `length` bytes as a string: ASCII (the usual comm or path)
 * without a TextDecoder call; anything else through UTF-8, as the codec decodes it.
 *
 * Each char array member of a record type gets its own reader, which remembers the last string it
 * made: event streams repeat the same comm or name record after record, and returning the same
 * string when the bytes are equal (checked while looking for the NUL) allocates nothing, where a
 * new string per record is garbage the collector must sweep while the consumer should be reading.
 */
function stringReader(length: number): (view: DataView, offset: number) => string {
  const lastBytes = new Uint8Array(length);
  let lastLength = 0;
  let last = "";
  return (view, offset) => {
    let end = 0;
    let ascii = true;
    let same = true;
    for (; end < length; end++) {
      const b = view.getUint8(offset + end);
      if (b === 0) break;
      if (b > 0x7f) ascii = false;
      if (same && (end >= lastLength || lastBytes[end] !== b)) same = false;
    }
    if (same && end === lastLength) return last;
    let s: string;
    if (end === 0) s = "";
    else if (ascii && end <= 64) {
      // Short ASCII (a comm, a name): cheaper by hand than a TextDecoder call.
      s = "";
      for (let i = 0; i < end; i++) s += String.fromCharCode(view.getUint8(offset + i));
    } else {
      const bytes = new Uint8Array(view.buffer, view.byteOffset + offset, end);
      s = ascii ? latin.decode(bytes) : utf8.decode(bytes);
    }
    for (let i = 0; i < end; i++) lastBytes[i] = view.getUint8(offset + i);
    lastLength = end;
    last = s;
    return s;
  };
}

/**
 * 64-bit members are bigints, and every BigInt a DataView returns is a new heap object. Values
 * from -SMALL to SMALL - 1 (a syscall number, a return code, flags, zero padding) come from a
 * table instead: same values, no garbage. Larger ones (timestamps, addresses) are read as before.
 */
const SMALL = 1024;
const TWO32 = 0x1_0000_0000;
const smallBigInts = Array.from({ length: SMALL }, (_, i) => BigInt(i));
const negativeBigInts = Array.from({ length: SMALL + 1 }, (_, i) => -BigInt(i));
const LO = littleEndian ? 0 : 4;
const HI = littleEndian ? 4 : 0;

function readU64(view: DataView, at: number): bigint {
  if (view.getUint32(at + HI, littleEndian) === 0) {
    const lo = view.getUint32(at + LO, littleEndian);
    if (lo < SMALL) return smallBigInts[lo]!;
  }
  return view.getBigUint64(at, littleEndian);
}

function readI64(view: DataView, at: number): bigint {
  const hi = view.getUint32(at + HI, littleEndian);
  if (hi === 0) {
    const lo = view.getUint32(at + LO, littleEndian);
    if (lo < SMALL) return smallBigInts[lo]!;
  } else if (hi === 0xffff_ffff) {
    const minus = TWO32 - view.getUint32(at + LO, littleEndian);
    if (minus <= SMALL) return negativeBigInts[minus]!;
  }
  return view.getBigInt64(at, littleEndian);
}

interface Generator {
  btf: Btf;
  /** Functions the generated code calls: h<i>. */
  helpers: unknown[];
  depth: number;
}

function helper(g: Generator, fn: unknown): string {
  g.helpers.push(fn);
  return `h${g.helpers.length - 1}`;
}

/** An expression reading an integer of BTF type `t` at `at`, or undefined when it needs the codec. */
function intExpr(g: Generator, t: BtfInt, at: string): string | undefined {
  const le = littleEndian ? "true" : "false";
  if (isBoolInt(t)) return t.size === 1 ? `(v.getUint8(${at}) !== 0)` : undefined;
  const bits = t.bits > 0 && t.bits < t.size * 8 ? t.bits : t.size * 8;
  if (bits !== t.size * 8) return undefined;
  const s = t.signed ? "Int" : "Uint";
  switch (t.size) {
    case 1:
      return `v.get${s}8(${at})`;
    case 2:
      return `v.get${s}16(${at}, ${le})`;
    case 4:
      return `v.get${s}32(${at}, ${le})`;
    case 8:
      return `${helper(g, t.signed ? readI64 : readU64)}(v, ${at})`;
    default:
      return undefined;
  }
}

/** An expression decoding type `id` at `o + offset` (o is the record's base in the code). */
function expr(g: Generator, id: number, offset: number): string {
  const [resolved, t] = skipModifiers(g.btf, id);
  const at = `o + ${offset}`;
  const viaCodec = () => `${helper(g, codecFor(g.btf, resolved).read)}(v, ${at})`;
  if (!t) return viaCodec();
  if (t.kind === "int") return intExpr(g, t, at) ?? viaCodec();
  if (t.kind === "struct" && g.depth < 8 && plainStruct(g.btf, t)) {
    g.depth++;
    const fields = t.members.map((m) => `${JSON.stringify(m.name)}: ${expr(g, m.type, offset + m.bitOffset / 8)}`);
    g.depth--;
    return `{ ${fields.join(", ")} }`;
  }
  if (t.kind === "array") {
    const [, element] = skipModifiers(g.btf, t.type);
    if (element?.kind === "int" && isCharInt(element) && !isBoolInt(element)) return `${helper(g, stringReader(t.nelems))}(v, ${at})`;
    if (element?.kind === "int" && t.nelems <= 64) {
      const read = intExpr(g, element, `o + ${offset} + i * ${element.size}`);
      if (read) return `((o) => { const a = new Array(${t.nelems}); for (let i = 0; i < ${t.nelems}; i++) a[i] = ${read}; return a; })(o)`;
    }
  }
  return viaCodec();
}

/** A struct whose members are all named, byte-aligned, and not bitfields: decodable field by field. */
function plainStruct(btf: Btf, t: BtfStruct): boolean {
  const names = new Set<string>();
  for (const m of t.members) {
    if (!m.name || m.bitfieldSize > 0 || m.bitOffset % 8 !== 0 || names.has(m.name)) return false;
    const [, mt] = skipModifiers(btf, m.type);
    if (mt?.kind === "int" && mt.bits > 0 && mt.bits < mt.size * 8) return false;
    names.add(m.name);
  }
  return true;
}

const cache = new WeakMap<Btf, Map<number, RecordDecoder>>();

/** The decoder of records of BTF type `typeId` (built once per BTF and type). */
export function recordDecoder(btf: Btf, typeId: number): RecordDecoder {
  let perBtf = cache.get(btf);
  if (!perBtf) cache.set(btf, (perBtf = new Map()));
  const known = perBtf.get(typeId);
  if (known) return known;
  const g: Generator = { btf, helpers: [], depth: 0 };
  const body = `return ${expr(g, typeId, 0)};`;
  // Built from BTF member names and numbers only (names are quoted with JSON.stringify).
  // Helpers as constants of the closure (h0, h1, …), so that V8 can inline them.
  const consts = g.helpers.map((_, i) => `const h${i} = f[${i}];`).join(" ");
  const make = new Function("f", `${consts} return function decodeRecord(v, o) { ${body} };`) as (f: unknown[]) => RecordDecoder;
  const decoder = make(g.helpers);
  perBtf.set(typeId, decoder);
  return decoder;
}
