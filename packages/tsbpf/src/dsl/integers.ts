/**
 * The integer kinds of the BPF subset.
 *
 * Kinds up to 32 bits are branded `number`s, 64-bit kinds branded `bigint`s. Each brand lists the
 * kinds that widen into it, so tsc accepts widening (`u8` into `u32`, `u16` into `i32`) and rejects
 * narrowing, sign changes and 32/64-bit mixing, which then take an explicit cast such as `u32(x)`.
 * The compiler reads the kind of every declared value from its type alias (`u32`, `i64`, ...);
 * operator results are plain `number`/`bigint` to tsc, and the compiler types them as C does.
 *
 * In user space the same names are ordinary numbers and bigints, and the cast functions convert
 * exactly as the kernel would (truncation, two's complement).
 */

/** The brand key; never present at run time. */
export declare const integerKind: unique symbol;

/** A brand whose listed kinds may be assigned into the branded kind. */
export interface KindBrand<K extends string> {
  readonly [integerKind]?: K;
}

export type u8 = number & KindBrand<"u8">;
export type i8 = number & KindBrand<"i8">;
export type u16 = number & KindBrand<"u8" | "u16">;
export type i16 = number & KindBrand<"u8" | "i8" | "i16">;
export type u32 = number & KindBrand<"u8" | "u16" | "u32">;
export type i32 = number & KindBrand<"u8" | "i8" | "u16" | "i16" | "i32">;
export type u64 = bigint & KindBrand<"u64">;
export type i64 = bigint & KindBrand<"i64">;
/** A C `_Bool`: one byte, 0 or 1. */
export type bool = boolean;

/**
 * A byte of a `CharArray` (`u8(comm[i])`: tsc types the element as a string) or a one-character
 * literal (`u8("a")`, C's `'a'`): its character code.
 */
type Char = string;

type Castable = number | bigint | boolean | Char;

function toBigInt(value: Castable | object): bigint {
  if (typeof value === "object") throw new TypeError("tsbpf: a pointer's address is a kernel-side value; user space has none");
  if (typeof value === "string") {
    if (value.length !== 1) throw new TypeError(`tsbpf: ${JSON.stringify(value)} is not one character`);
    return BigInt(value.charCodeAt(0));
  }
  if (typeof value === "bigint") return value;
  if (typeof value === "boolean") return value ? 1n : 0n;
  if (!Number.isInteger(value)) {
    throw new TypeError(`tsbpf: ${value} is not an integer; the BPF subset has no floats`);
  }
  return BigInt(value);
}

/** Truncates to `u8` (as a C cast does). */
export function u8(value: Castable): u8 { return Number(BigInt.asUintN(8, toBigInt(value))) as u8; }
/** Truncates to `i8`. */
export function i8(value: Castable): i8 { return Number(BigInt.asIntN(8, toBigInt(value))) as i8; }
/** Truncates to `u16`. */
export function u16(value: Castable): u16 { return Number(BigInt.asUintN(16, toBigInt(value))) as u16; }
/** Truncates to `i16`. */
export function i16(value: Castable): i16 { return Number(BigInt.asIntN(16, toBigInt(value))) as i16; }
/** Truncates to `u32`. */
export function u32(value: Castable): u32 { return Number(BigInt.asUintN(32, toBigInt(value))) as u32; }
/** Truncates to `i32`. */
export function i32(value: Castable): i32 { return Number(BigInt.asIntN(32, toBigInt(value))) as i32; }
/** Converts to `u64` (two's complement for negative values). */
export function u64(value: Castable): u64;
/**
 * In a program, a pointer's address as an integer (C's `(u64)ptr`), e.g. to keep a kernel object's
 * address in a map and cast it back later with `bpf.core.cast`. User space has no such addresses.
 */
export function u64(pointer: object): u64;
export function u64(value: Castable | object): u64 { return BigInt.asUintN(64, toBigInt(value)) as u64; }
/** Converts to `i64`. */
export function i64(value: Castable): i64;
/** In a program, a pointer's address as a signed integer (C's `(s64)ptr`). */
export function i64(pointer: object): i64;
export function i64(value: Castable | object): i64 { return BigInt.asIntN(64, toBigInt(value)) as i64; }
