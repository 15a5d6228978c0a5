/**
 * The reference semantics of tsbpf's integers, written from the C standard (C11 6.3.1 and 6.5)
 * and the BPF instruction set, not from the compiler: this file shares no code with
 * packages/compiler/src/checker so that the evaluator is a second opinion.
 *
 * - Integer promotions: kinds of rank below int become i32.
 * - Usual arithmetic conversions for binary operators.
 * - Wrap-around at the kind's width (two's complement; BPF has no traps).
 * - `/` truncates toward zero; BPF's division by zero: x / 0 = 0, x % 0 = x.
 * - Shifts have the promoted left operand's kind; BPF masks the count to the width (& 31, & 63).
 * - `>>>` shifts the promoted left operand as unsigned.
 */

export type Kind = "bool" | "u8" | "i8" | "u16" | "i16" | "u32" | "i32" | "u64" | "i64";

export const KINDS: readonly Kind[] = ["bool", "u8", "i8", "u16", "i16", "u32", "i32", "u64", "i64"];

/** An integer value: always normalised to its kind's range. */
export interface Int {
  k: Kind;
  v: bigint;
}

const BITS: Record<Kind, number> = { bool: 8, u8: 8, i8: 8, u16: 16, i16: 16, u32: 32, i32: 32, u64: 64, i64: 64 };
const RANK: Record<Kind, number> = { bool: 0, u8: 1, i8: 1, u16: 2, i16: 2, u32: 3, i32: 3, u64: 4, i64: 4 };

export function isKind(name: string): name is Kind {
  return Object.hasOwn(BITS, name);
}
export function bits(k: Kind): number {
  return BITS[k];
}
export function bytes(k: Kind): number {
  return BITS[k] / 8;
}
export function signed(k: Kind): boolean {
  return k[0] === "i";
}
/** Whether the kind is a 64-bit one (a bigint in TypeScript). */
export function wide(k: Kind): boolean {
  return BITS[k] === 64;
}

export function unsignedOf(k: Kind): Kind {
  return signed(k) ? (("u" + k.slice(1)) as Kind) : k;
}

/** C conversion of a mathematical integer to a kind: truncation, or != 0 for bool. */
export function wrap(v: bigint, k: Kind): bigint {
  if (k === "bool") return v !== 0n ? 1n : 0n;
  return signed(k) ? BigInt.asIntN(BITS[k], v) : BigInt.asUintN(BITS[k], v);
}

export function int(v: bigint, k: Kind): Int {
  return { k, v: wrap(v, k) };
}

export function convert(x: Int, k: Kind): Int {
  return x.k === k ? x : int(x.v, k);
}

export function fits(v: bigint, k: Kind): boolean {
  return wrap(v, k) === v && (k !== "bool" || v === 0n || v === 1n);
}

export function promote(k: Kind): Kind {
  return RANK[k] < RANK.i32 ? "i32" : k;
}

export function usualArithmetic(a: Kind, b: Kind): Kind {
  const pa = promote(a);
  const pb = promote(b);
  if (pa === pb) return pa;
  if (signed(pa) === signed(pb)) return RANK[pa] >= RANK[pb] ? pa : pb;
  const u = signed(pa) ? pb : pa;
  const s = signed(pa) ? pa : pb;
  if (RANK[u] >= RANK[s]) return u;
  if (BITS[s] > BITS[u]) return s;
  return unsignedOf(s);
}

export type BinaryOp = "+" | "-" | "*" | "/" | "%" | "&" | "|" | "^" | "<<" | ">>" | ">>>";
export type CompareOp = "<" | "<=" | ">" | ">=" | "==" | "!=";

export function binary(op: BinaryOp, a: Int, b: Int): Int {
  if (op === "<<" || op === ">>" || op === ">>>") {
    let k = promote(a.k);
    if (op === ">>>") k = unsignedOf(k);
    const x = wrap(a.v, k);
    const count = b.v & BigInt(BITS[k] - 1);
    if (op === "<<") return int(x << count, k);
    return int(x >> count, k); // BigInt >> is arithmetic: right for signed, and x >= 0 when unsigned
  }
  const k = usualArithmetic(a.k, b.k);
  const x = wrap(a.v, k);
  const y = wrap(b.v, k);
  switch (op) {
    case "+": return int(x + y, k);
    case "-": return int(x - y, k);
    case "*": return int(x * y, k);
    case "/": return int(y === 0n ? 0n : x / y, k);
    case "%": return int(y === 0n ? x : x % y, k);
    case "&": return int(x & y, k);
    case "|": return int(x | y, k);
    case "^": return int(x ^ y, k);
  }
}

export function compare(op: CompareOp, a: Int, b: Int): boolean {
  const k = usualArithmetic(a.k, b.k);
  const x = wrap(a.v, k);
  const y = wrap(b.v, k);
  switch (op) {
    case "<": return x < y;
    case "<=": return x <= y;
    case ">": return x > y;
    case ">=": return x >= y;
    case "==": return x === y;
    case "!=": return x !== y;
  }
}

export type UnaryOp = "-" | "~" | "+";

export function unary(op: UnaryOp, a: Int): Int {
  const k = promote(a.k);
  const x = wrap(a.v, k);
  if (op === "-") return int(-x, k);
  if (op === "~") return int(~x, k);
  return int(x, k);
}

export function bool(b: boolean): Int {
  return { k: "bool", v: b ? 1n : 0n };
}

/** The kind an unsuffixed literal takes without context: int, else unsigned int (bigints: i64, u64). */
export function literalKind(v: bigint, isBigint: boolean): Kind | undefined {
  const candidates: Kind[] = isBigint ? ["i64", "u64"] : ["i32", "u32"];
  return candidates.find((k) => fits(v, k));
}
