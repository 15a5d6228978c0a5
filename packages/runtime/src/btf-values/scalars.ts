/**
 * Codecs for scalar BTF types: integers (≤ 32 bits ↔ number, wider ↔ bigint), bool ↔ boolean,
 * enums ↔ number (or bigint for 64-bit enums; enumerator names are accepted on the way in),
 * pointers ↔ bigint addresses, floats ↔ number.
 */
import type { BtfEnum, BtfEnum64, BtfFloat, BtfInt } from "@tsbpf/object";
import * as z from "zod/mini";
import { littleEndian } from "../sys/attr.js";
import { expected, integerFits, lazySchema, type Codec } from "./codec.js";

/** Whether an INT is a boolean: BTF's bool encoding, or a 1-byte integer named bool/_Bool. */
export function isBoolInt(t: BtfInt): boolean {
  return t.bool || (t.size === 1 && (t.name === "bool" || t.name === "_Bool"));
}

/** Whether a 1-byte INT is a character (arrays of it are strings). */
export function isCharInt(t: BtfInt): boolean {
  return t.size === 1 && (t.char || t.name === "char");
}

function readBig(view: DataView, offset: number, size: number, signed: boolean): bigint {
  let v = 0n;
  for (let i = 0; i < size; i++) {
    const byte = BigInt(view.getUint8(offset + (littleEndian ? i : size - 1 - i)));
    v |= byte << BigInt(8 * i);
  }
  return signed ? BigInt.asIntN(size * 8, v) : v;
}

function writeBig(view: DataView, offset: number, size: number, value: bigint): void {
  let v = BigInt.asUintN(size * 8, value);
  for (let i = 0; i < size; i++) {
    view.setUint8(offset + (littleEndian ? i : size - 1 - i), Number(v & 0xffn));
    v >>= 8n;
  }
}

/** Reads an integer of `size` bytes as a bigint. */
export function readInteger(view: DataView, offset: number, size: number, signed: boolean): bigint {
  switch (size) {
    case 1:
      return BigInt(signed ? view.getInt8(offset) : view.getUint8(offset));
    case 2:
      return BigInt(signed ? view.getInt16(offset, littleEndian) : view.getUint16(offset, littleEndian));
    case 4:
      return BigInt(signed ? view.getInt32(offset, littleEndian) : view.getUint32(offset, littleEndian));
    case 8:
      return signed ? view.getBigInt64(offset, littleEndian) : view.getBigUint64(offset, littleEndian);
    default:
      return readBig(view, offset, size, signed);
  }
}

/** Writes an integer of `size` bytes (two's complement). */
export function writeInteger(view: DataView, offset: number, size: number, value: bigint): void {
  switch (size) {
    case 1:
      view.setUint8(offset, Number(BigInt.asUintN(8, value)));
      return;
    case 2:
      view.setUint16(offset, Number(BigInt.asUintN(16, value)), littleEndian);
      return;
    case 4:
      view.setUint32(offset, Number(BigInt.asUintN(32, value)), littleEndian);
      return;
    case 8:
      view.setBigUint64(offset, BigInt.asUintN(64, value), littleEndian);
      return;
    default:
      writeBig(view, offset, size, value);
  }
}

/** The range of a `bits`-wide integer. */
export function integerRange(bits: number, signed: boolean): [bigint, bigint] {
  return signed ? [-(1n << BigInt(bits - 1)), (1n << BigInt(bits - 1)) - 1n] : [0n, (1n << BigInt(bits)) - 1n];
}

/** A schema for an integer of `bits` bits: a number up to 32 bits, a bigint beyond. */
export function integerSchema(bits: number, signed: boolean, name: string): z.ZodMiniType {
  const [lo, hi] = integerRange(bits, signed);
  const range = `out of range for ${name} (${lo}..${hi})`;
  if (bits <= 32) {
    return z
      .number({ error: expected(`a number (${name})`) })
      .check(z.int({ error: `expected an integer (${name})` }), z.gte(Number(lo), { error: range }), z.lte(Number(hi), { error: range }));
  }
  return z
    .bigint({
      error: (issue) =>
        typeof issue.input === "number"
          ? `expected a bigint for ${name} (64-bit values are bigints: write ${Number.isInteger(issue.input) ? `${issue.input}n` : "BigInt(x)"})`
          : expected(`a bigint (${name})`)(issue),
    })
    .check(z.gte(lo, { error: range }), z.lte(hi, { error: range }));
}

/** BTF integers carry at most 128 bits (the kernel's BITS_PER_U128); an INT may still claim more bytes. */
const MAX_INT_BYTES = 16;

export function intCodec(t: BtfInt): Codec {
  const size = t.size;
  if (size < 1 || size > MAX_INT_BYTES) {
    throw new Error(`integer ${t.name || "(anonymous)"} has ${size} bytes; integers of 1 to ${MAX_INT_BYTES} bytes can be marshalled`);
  }
  if (isBoolInt(t)) {
    return lazySchema({
      size,
      describe: t.name || "bool",
      fits: (value: unknown) => typeof value === "boolean",
      write: (view: DataView, offset: number, value: unknown) => writeInteger(view, offset, size, value ? 1n : 0n),
      read: (view: DataView, offset: number) => readInteger(view, offset, size, false) !== 0n,
    }, () => z.boolean({ error: expected("a boolean") }));
  }
  // An INT may use fewer bits than its size (its encoding's bits field); range-check against those.
  const bits = t.bits > 0 && t.bits < size * 8 ? t.bits : size * 8;
  const asNumber = bits <= 32;
  const name = t.name || `${t.signed ? "i" : "u"}${bits}`;
  const [lo, hi] = integerRange(bits, t.signed);
  return lazySchema({
    size,
    describe: name,
    fits: (value: unknown) => integerFits(value, bits, lo, hi),
    write: (view: DataView, offset: number, value: unknown) => writeInteger(view, offset, size, asNumber ? BigInt(value as number) : (value as bigint)),
    read: (view: DataView, offset: number) => {
      const v = readInteger(view, offset, size, t.signed);
      return asNumber ? Number(v) : v;
    },
  }, () => integerSchema(bits, t.signed, name));
}

export function enumCodec(t: BtfEnum | BtfEnum64): Codec {
  const size = t.size;
  if (size < 1 || size > 8) throw new Error(`enum ${t.name || "(anonymous)"} has ${size} bytes; enums of 1 to 8 bytes can be marshalled`);
  const wide = t.kind === "enum64" || size > 4;
  const name = `enum ${t.name || "(anonymous)"}`;
  const byName = new Map<string, bigint>(t.values.map((v) => [v.name, BigInt(v.value)]));
  const schema = () => {
    const numeric = integerSchema(size * 8, t.signed, name);
    const names = z.string().check(z.refine((s) => byName.has(s), {
      error: (issue) => `${JSON.stringify(issue.input)} is not a member of ${name} (members: ${[...byName.keys()].join(", ")})`,
    }));
    return z.union([numeric, names], { error: expected(`a ${wide ? "bigint" : "number"} or a member name of ${name}`) });
  };
  return lazySchema({
    size,
    describe: name,
    write: (view: DataView, offset: number, value: unknown) => {
      const v = typeof value === "string" ? byName.get(value)! : BigInt(value as number | bigint);
      writeInteger(view, offset, size, v);
    },
    read: (view: DataView, offset: number) => {
      const v = readInteger(view, offset, size, t.signed);
      return wide ? v : Number(v);
    },
  }, schema);
}

export function pointerCodec(describe: string): Codec {
  const [lo, hi] = integerRange(64, false);
  return lazySchema({
    size: 8,
    describe,
    fits: (value: unknown) => integerFits(value, 64, lo, hi),
    write: (view: DataView, offset: number, value: unknown) => view.setBigUint64(offset, value as bigint, littleEndian),
    read: (view: DataView, offset: number) => view.getBigUint64(offset, littleEndian),
  }, () => integerSchema(64, false, describe));
}

export function floatCodec(t: BtfFloat): Codec {
  if (t.size !== 4 && t.size !== 8) throw new Error(`${t.name}: only 4- and 8-byte floats can be marshalled`);
  return lazySchema({
    size: t.size,
    describe: t.name,
    write: (view: DataView, offset: number, value: unknown) =>
      t.size === 4 ? view.setFloat32(offset, value as number, littleEndian) : view.setFloat64(offset, value as number, littleEndian),
    read: (view: DataView, offset: number) => (t.size === 4 ? view.getFloat32(offset, littleEndian) : view.getFloat64(offset, littleEndian)),
  }, () => z.number({ error: expected(`a number (${t.name})`) }));
}
