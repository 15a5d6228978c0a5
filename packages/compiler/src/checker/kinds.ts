/**
 * The integer kinds of the subset and their C facts: width, signedness, range, C type name.
 */

export type IntKind = "bool" | "u8" | "i8" | "u16" | "i16" | "u32" | "i32" | "u64" | "i64";

export const INT_KINDS: readonly IntKind[] = ["bool", "u8", "i8", "u16", "i16", "u32", "i32", "u64", "i64"];

interface KindFacts {
  /** Size in bytes. */
  size: number;
  signed: boolean;
  /** C integer conversion rank (bool < char < short < int < long long). */
  rank: number;
  /** The C name clang gives the type in BTF. */
  cName: string;
}

const FACTS: Record<IntKind, KindFacts> = {
  bool: { size: 1, signed: false, rank: 0, cName: "_Bool" },
  u8: { size: 1, signed: false, rank: 1, cName: "unsigned char" },
  i8: { size: 1, signed: true, rank: 1, cName: "signed char" },
  u16: { size: 2, signed: false, rank: 2, cName: "unsigned short" },
  i16: { size: 2, signed: true, rank: 2, cName: "short" },
  u32: { size: 4, signed: false, rank: 3, cName: "unsigned int" },
  i32: { size: 4, signed: true, rank: 3, cName: "int" },
  u64: { size: 8, signed: false, rank: 4, cName: "unsigned long long" },
  i64: { size: 8, signed: true, rank: 4, cName: "long long" },
};

export function isIntKind(name: string): name is IntKind {
  return Object.hasOwn(FACTS, name);
}

export function kindSize(kind: IntKind): number {
  return FACTS[kind].size;
}

export function kindBits(kind: IntKind): number {
  return FACTS[kind].size * 8;
}

export function isSigned(kind: IntKind): boolean {
  return FACTS[kind].signed;
}

export function kindRank(kind: IntKind): number {
  return FACTS[kind].rank;
}

export function kindCName(kind: IntKind): string {
  return FACTS[kind].cName;
}

/** 64-bit kinds are bigints in TypeScript; the others are numbers (bool is a boolean). */
export function isWide(kind: IntKind): boolean {
  return FACTS[kind].size === 8;
}

// Computed once: every literal of a program asks (a method of 4,000 `if`s, 8,000 times), and
// building the bigints each time showed in its profile.
const MIN = new Map<IntKind, bigint>();
const MAX = new Map<IntKind, bigint>();
for (const kind of Object.keys(FACTS) as IntKind[]) {
  const bits = BigInt(FACTS[kind].size * 8);
  MIN.set(kind, FACTS[kind].signed ? -(1n << (bits - 1n)) : 0n);
  MAX.set(kind, kind === "bool" ? 1n : FACTS[kind].signed ? (1n << (bits - 1n)) - 1n : (1n << bits) - 1n);
}

export function kindMin(kind: IntKind): bigint {
  return MIN.get(kind)!;
}

export function kindMax(kind: IntKind): bigint {
  return MAX.get(kind)!;
}

export function inRange(value: bigint, kind: IntKind): boolean {
  return value >= kindMin(kind) && value <= kindMax(kind);
}

/** The value a C conversion to `kind` gives (truncation and two's complement; `_Bool` is `!= 0`). */
export function wrapToKind(value: bigint, kind: IntKind): bigint {
  if (kind === "bool") return value !== 0n ? 1n : 0n;
  const bits = kindBits(kind);
  return isSigned(kind) ? BigInt.asIntN(bits, value) : BigInt.asUintN(bits, value);
}

/** The kind with the same width and the other signedness (bool maps to u8). */
export function toUnsigned(kind: IntKind): IntKind {
  switch (kind) {
    case "i8": return "u8";
    case "i16": return "u16";
    case "i32": return "u32";
    case "i64": return "u64";
    case "bool": return "u8";
    default: return kind;
  }
}
