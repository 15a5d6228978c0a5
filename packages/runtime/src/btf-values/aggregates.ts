/**
 * Codecs for aggregates: char arrays ↔ strings (up to the first NUL; NUL-padded on the way in),
 * other arrays ↔ arrays, structs ↔ plain objects (natural padding left zero), unions ↔ objects
 * with one member set. Members of anonymous struct/union members are flattened into the parent,
 * as C lets one name them. Bitfields are read and written in place.
 */
import type { Btf, BtfArray, BtfStruct } from "@tsbpf/object";
import * as z from "zod/mini";
import { describeType, skipModifiers } from "../btf/query.js";
import { expected, integerFits, lazySchema, type Codec } from "./codec.js";
import { integerRange, integerSchema, isBoolInt, isCharInt } from "./scalars.js";

export type Build = (id: number) => Codec;

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export function charArrayCodec(nelems: number, describe: string): Codec {
  return lazySchema({
    size: nelems,
    describe,
    fits: (value: unknown) => typeof value === "string" && !value.includes("\0") && encoder.encode(value).length <= nelems,
    write: (view: DataView, offset: number, value: unknown) => {
      new Uint8Array(view.buffer, view.byteOffset + offset, nelems).set(encoder.encode(value as string));
    },
    read: (view: DataView, offset: number) => {
      const bytes = new Uint8Array(view.buffer, view.byteOffset + offset, nelems);
      const end = bytes.indexOf(0);
      return decoder.decode(end < 0 ? bytes : bytes.subarray(0, end));
    },
  }, () => z
    .string({ error: expected(`a string (${describe})`) })
    .check(
      z.refine((s) => !s.includes("\0"), { error: "strings cannot contain NUL characters" }),
      z.refine((s) => encoder.encode(s).length <= nelems, {
        error: (issue) => `a string of ${encoder.encode(issue.input as string).length} bytes does not fit ${describe}`,
      }),
    ));
}

export function arrayCodec(btf: Btf, t: BtfArray, build: Build, describe: string): Codec {
  const [, element] = skipModifiers(btf, t.type);
  if (element?.kind === "int" && isCharInt(element) && !isBoolInt(element)) return charArrayCodec(t.nelems, describe);
  const item = build(t.type);
  const n = t.nelems;
  const schema = () => {
    const items = z.array(item.schema, { error: expected(`an array of ${n} (${describe})`) }).check(z.length(n, {
      error: (issue) => `expected ${n} elements for ${describe}, got ${(issue.input as unknown[]).length}`,
    }));
    // Byte arrays also take a Uint8Array of the right length.
    const bytes =
      element?.kind === "int" && element.size === 1 && !element.signed
        ? z.instanceof(Uint8Array).check(z.refine((b) => b.length === n, { error: `expected ${n} bytes for ${describe}` }))
        : undefined;
    return bytes ? z.union([items, bytes], { error: expected(`an array of ${n} (${describe})`) }) : items;
  };
  return lazySchema({
    size: n * item.size,
    describe,
    write: (view: DataView, offset: number, value: unknown) => {
      const values = value as ArrayLike<unknown>;
      for (let i = 0; i < n; i++) item.write(view, offset + i * item.size, values[i]);
    },
    read: (view: DataView, offset: number) => {
      const out = new Array<unknown>(n);
      for (let i = 0; i < n; i++) out[i] = item.read(view, offset + i * item.size);
      return out;
    },
  }, schema);
}

/** One choice among a union's members: group (the union) and which member. */
type Choice = readonly [group: number, member: number];

/** One named field of a struct or union, after flattening anonymous members. */
interface Field {
  name: string;
  /** Byte offset (ordinary members) from the start of the outermost aggregate. */
  offset: number;
  codec: Codec;
  /** For bitfields: bit offset from the aggregate start and width. */
  bitfield?: { bitOffset: number; bits: number; signed: boolean; asBool: boolean };
  /** The union members this field lies in: of each union only one member may be written. */
  choices: readonly Choice[];
}

interface Collected {
  fields: Field[];
  /** Number of unions seen (group ids 0..n-1). */
  groups: number;
}

function collectFields(btf: Btf, t: BtfStruct, baseBits: number, build: Build, out: Collected, choices: readonly Choice[]): void {
  const group = t.kind === "union" ? out.groups++ : -1;
  for (const [index, m] of t.members.entries()) {
    const bitOffset = baseBits + m.bitOffset;
    const memberChoices: readonly Choice[] = group >= 0 ? [...choices, [group, index]] : choices;
    const [, mt] = skipModifiers(btf, m.type);
    if (m.name === "" && mt && (mt.kind === "struct" || mt.kind === "union")) {
      collectFields(btf, mt, bitOffset, build, out, memberChoices);
      continue;
    }
    if (m.name === "") continue; // unnamed padding bitfields (`int : 3;`)
    const field: Field = { name: m.name, offset: Math.floor(bitOffset / 8), codec: build(m.type), choices: memberChoices };
    const isIntLike = mt && (mt.kind === "int" || mt.kind === "enum" || mt.kind === "enum64");
    if (m.bitfieldSize > 0 || (isIntLike && bitOffset % 8 !== 0)) {
      if (!mt || !isIntLike) throw new Error(`bitfield ${m.name} of ${describeType(btf, m.type)} cannot be marshalled`);
      const bits = m.bitfieldSize || (mt.kind === "int" ? mt.bits : mt.size * 8);
      const signed = mt.signed;
      const asBool = mt.kind === "int" && isBoolInt(mt);
      field.bitfield = { bitOffset, bits, signed, asBool };
      const name = `${m.name}: ${describeType(btf, m.type)} (${bits}-bit field)`;
      const [lo, hi] = integerRange(bits, signed);
      field.codec = lazySchema({
        size: 0,
        describe: name,
        fits: (value: unknown) => (asBool ? typeof value === "boolean" : integerFits(value, bits, lo, hi)),
        write: () => undefined,
        read: () => undefined,
      }, () => (asBool ? z.boolean({ error: expected("a boolean") }) : integerSchema(bits, signed, name)));
    }
    out.fields.push(field);
  }
}

function readBits(view: DataView, bitOffset: number, bits: number): bigint {
  // Little-endian bitfields: bit i of the field is bit (bitOffset + i) of the byte stream.
  const first = Math.floor(bitOffset / 8);
  const last = Math.floor((bitOffset + bits - 1) / 8);
  let word = 0n;
  for (let i = last; i >= first; i--) word = (word << 8n) | BigInt(view.getUint8(i));
  return (word >> BigInt(bitOffset % 8)) & ((1n << BigInt(bits)) - 1n);
}

function writeBits(view: DataView, bitOffset: number, bits: number, value: bigint): void {
  const first = Math.floor(bitOffset / 8);
  const last = Math.floor((bitOffset + bits - 1) / 8);
  let word = 0n;
  for (let i = last; i >= first; i--) word = (word << 8n) | BigInt(view.getUint8(i));
  const shift = BigInt(bitOffset % 8);
  const mask = ((1n << BigInt(bits)) - 1n) << shift;
  word = (word & ~mask) | ((BigInt.asUintN(bits, value) << shift) & mask);
  for (let i = first; i <= last; i++) {
    view.setUint8(i, Number(word & 0xffn));
    word >>= 8n;
  }
}

export function structCodec(btf: Btf, t: BtfStruct, build: Build, describe: string): Codec {
  const collected: Collected = { fields: [], groups: 0 };
  collectFields(btf, t, 0, build, collected, []);
  const fields = collected.fields;
  const schema = () => {
    const shape: Record<string, z.ZodMiniType> = {};
    for (const f of fields) shape[f.name] = f.choices.length ? z.optional(f.codec.schema) : f.codec.schema;
    return z
      .strictObject(shape, { error: expected(`an object (${describe})`) })
      .check(z.superRefine((value, ctx) => {
        // Of each union, the fields given must all lie in one member; a top-level union needs one.
        const given = fields.filter((f) => f.choices.length && (value as Record<string, unknown>)[f.name] !== undefined);
        for (let group = 0; group < collected.groups; group++) {
          const members = new Map<number, string[]>();
          for (const f of given) {
            const choice = f.choices.find(([g]) => g === group);
            if (choice) members.set(choice[1], [...(members.get(choice[1]) ?? []), f.name]);
          }
          if (members.size > 1) {
            const names = [...members.values()].map((n) => n.join("+"));
            ctx.addIssue({ code: "custom", message: `only one of ${names.join(", ")} can be set (they share memory in ${describe})` });
          }
        }
        if (t.kind === "union" && given.length === 0) {
          ctx.addIssue({ code: "custom", message: `set one of ${fields.map((f) => f.name).join(", ")} (${describe})` });
        }
      }));
  };
  // Without unions, an object fits when it has exactly the fields, each fitting: a plain object,
  // as the schema takes it (anything else goes through the schema).
  const names = new Set(fields.map((f) => f.name));
  const fits = collected.groups === 0 && fields.every((f) => f.codec.fits)
    ? (value: unknown) => {
      if (typeof value !== "object" || value === null) return false;
      const proto = Object.getPrototypeOf(value) as unknown;
      if (proto !== Object.prototype && proto !== null) return false;
      const record = value as Record<string, unknown>;
      for (const key of Object.keys(record)) if (!names.has(key)) return false;
      return fields.every((f) => f.codec.fits!(record[f.name]));
    }
    : undefined;
  return lazySchema({
    size: t.size,
    describe,
    fits,
    write: (view: DataView, offset: number, value: unknown) => {
      const record = value as Record<string, unknown>;
      for (const f of fields) {
        const v = record[f.name];
        if (v === undefined) continue;
        if (f.bitfield) {
          const b = f.bitfield;
          const sub = new DataView(view.buffer, view.byteOffset + offset);
          writeBits(sub, b.bitOffset, b.bits, b.asBool ? (v ? 1n : 0n) : BigInt(v as number | bigint));
        } else {
          f.codec.write(view, offset + f.offset, v);
        }
      }
    },
    read: (view: DataView, offset: number) => {
      const out: Record<string, unknown> = {};
      for (const f of fields) {
        if (f.bitfield) {
          const b = f.bitfield;
          const raw = readBits(new DataView(view.buffer, view.byteOffset + offset), b.bitOffset, b.bits);
          const v = b.signed ? BigInt.asIntN(b.bits, raw) : raw;
          out[f.name] = b.asBool ? v !== 0n : b.bits <= 32 ? Number(v) : v;
        } else {
          out[f.name] = f.codec.read(view, offset + f.offset);
        }
      }
      return out;
    },
  }, schema);
}
