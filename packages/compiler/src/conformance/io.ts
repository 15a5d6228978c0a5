/**
 * The context struct every conformance and random program computes in: operands of every kind
 * (two of each, so that every kind pair has a left and a right), and result slots. Inputs are
 * laid out by the evaluator's own struct layout, so the kernel run also checks that the compiler
 * agrees on it.
 */
import { KINDS, wrap, type Kind } from "./evaluator/c-ints.js";
import { writeInt } from "./evaluator/memory.js";
import { sizeOf, type EType } from "./evaluator/types.js";
import type { Rng } from "./random.js";

/** Every kind but bool, in declaration order of the struct. */
export const OPERAND_KINDS: readonly Kind[] = KINDS.filter((k) => k !== "bool");

/** The operand field names: `x_u8`, `y_u8`, ... */
export const operand = (side: "x" | "y", k: Kind) => `${side}_${k}`;

export const RESULT_SLOTS = 48;

export const IMPORTS =
  'import { Probe, syscall, config, HashMap, u8, i8, u16, i16, u32, i32, u64, i64, zero, type bool, type FixedArray } from "tsbpf";';

/** `interface Io { x_u8: u8; y_u8: u8; ...; r0: u64; ... }` */
export function ioDeclaration(slots = RESULT_SLOTS): string {
  const fields: string[] = [];
  for (const k of [...OPERAND_KINDS].sort((a, b) => kindBytes(a) - kindBytes(b))) {
    fields.push(`${operand("x", k)}: ${k}`, `${operand("y", k)}: ${k}`);
  }
  for (let i = 0; i < slots; i++) fields.push(`r${i}: u64`);
  return `export interface Io { ${fields.join("; ")} }`;
}

function kindBytes(k: Kind): number {
  return k === "bool" ? 1 : Number(k.slice(1)) / 8;
}

/** Values that find bugs: zero, one, all ones, the extremes, the sign boundary. */
function edges(k: Kind): bigint[] {
  const bits = BigInt(kindBytes(k) * 8);
  const signedKind = k.startsWith("i");
  const min = signedKind ? -(1n << (bits - 1n)) : 0n;
  const max = signedKind ? (1n << (bits - 1n)) - 1n : (1n << bits) - 1n;
  return [0n, 1n, wrap(-1n, k), min, max, wrap(min + 1n, k), wrap(max - 1n, k), 2n, 3n, wrap(-2n, k), 7n, 31n];
}

/** Result slots (r0.., o0..) start zero; everything else is input. */
export const isResultSlot = (name: string) => /^[ro]\d+$/.test(name);

function fill(type: EType, bytes: Uint8Array, offset: number, rng: Rng): void {
  if (type.tag === "int") {
    const k = type.kind;
    const v = rng.chance(0.5) ? rng.pick(edges(k)) : rng.chance(0.3) ? BigInt(rng.below(64)) : wrap(rng.u64(), k);
    writeInt(bytes, offset, k, k === "bool" ? v & 1n : v);
  } else if (type.tag === "array") {
    const size = sizeOf(type.elem);
    for (let i = 0; i < type.length; i++) fill(type.elem, bytes, offset + i * size, rng);
  } else if (type.tag === "struct") {
    for (const f of type.fields) if (!isResultSlot(f.name)) fill(f.type, bytes, offset + f.offset, rng);
  }
}

/** One input: every operand set, edge values and random ones mixed; result slots zero. */
export function randomInput(io: EType, rng: Rng): Uint8Array {
  if (io.tag !== "struct") throw new Error("the context must be a struct");
  const bytes = new Uint8Array(io.size);
  fill(io, bytes, 0, rng);
  return bytes;
}

/** Inputs for a batch: all zeros, all ones, and `count` random ones. */
export function inputsFor(io: EType, rng: Rng, count: number): Uint8Array[] {
  if (io.tag !== "struct") throw new Error("Io must be a struct");
  const same = (value: bigint) => {
    const bytes = new Uint8Array(io.size);
    for (const f of io.fields) if (f.type.tag === "int" && !isResultSlot(f.name)) writeInt(bytes, f.offset, f.type.kind, wrap(value, f.type.kind));
    return bytes;
  };
  return [same(0n), same(-1n), same(1n), ...Array.from({ length: count }, () => randomInput(io, rng))];
}
