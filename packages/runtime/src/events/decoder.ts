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
 * A NUL-terminated char array as a string: ASCII (the usual comm or path) without a TextDecoder
 * call; anything else through UTF-8, as the codec decodes it.
 */
function readString(view: DataView, offset: number, length: number): string {
  let end = 0;
  let ascii = true;
  for (; end < length; end++) {
    const b = view.getUint8(offset + end);
    if (b === 0) break;
    if (b > 0x7f) ascii = false;
  }
  if (end === 0) return "";
  if (ascii && end <= 64) {
    // Short ASCII (a comm, a name): cheaper by hand than a TextDecoder call.
    let s = "";
    for (let i = 0; i < end; i++) s += String.fromCharCode(view.getUint8(offset + i));
    return s;
  }
  const bytes = new Uint8Array(view.buffer, view.byteOffset + offset, end);
  return ascii ? latin.decode(bytes) : utf8.decode(bytes);
}

interface Generator {
  btf: Btf;
  /** Functions the generated code calls: f[i]. */
  helpers: unknown[];
  depth: number;
}

function helper(g: Generator, fn: unknown): string {
  g.helpers.push(fn);
  return `f[${g.helpers.length - 1}]`;
}

/** An expression reading an integer of BTF type `t` at `at`, or undefined when it needs the codec. */
function intExpr(t: BtfInt, at: string): string | undefined {
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
      return `v.getBig${s}64(${at}, ${le})`;
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
  if (t.kind === "int") return intExpr(t, at) ?? viaCodec();
  if (t.kind === "struct" && g.depth < 8 && plainStruct(g.btf, t)) {
    g.depth++;
    const fields = t.members.map((m) => `${JSON.stringify(m.name)}: ${expr(g, m.type, offset + m.bitOffset / 8)}`);
    g.depth--;
    return `{ ${fields.join(", ")} }`;
  }
  if (t.kind === "array") {
    const [, element] = skipModifiers(g.btf, t.type);
    if (element?.kind === "int" && isCharInt(element) && !isBoolInt(element)) return `${helper(g, readString)}(v, ${at}, ${t.nelems})`;
    if (element?.kind === "int" && t.nelems <= 64) {
      const read = intExpr(element, `o + ${offset} + i * ${element.size}`);
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
  const make = new Function("f", `return function decodeRecord(v, o) { ${body} };`) as (f: unknown[]) => RecordDecoder;
  const decoder = make(g.helpers);
  perBtf.set(typeId, decoder);
  return decoder;
}
