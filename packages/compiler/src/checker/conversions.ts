/**
 * C's integer conversions, which give every operator result its kind (C11 6.3.1.1 and 6.3.1.8).
 * tsc types `a + b` as plain number/bigint; these rules make `u8 + u8` an `i32` as in C.
 */
import { isSigned, kindRank, kindSize, toUnsigned, type IntKind } from "./kinds.js";

/** Integer promotion: every kind of rank below int becomes int (all their values fit in int). */
export function promote(kind: IntKind): IntKind {
  return kindRank(kind) < kindRank("i32") ? "i32" : kind;
}

/** The usual arithmetic conversions: the common kind both operands of a binary operator take. */
export function usualArithmetic(a: IntKind, b: IntKind): IntKind {
  const pa = promote(a);
  const pb = promote(b);
  if (pa === pb) return pa;
  if (isSigned(pa) === isSigned(pb)) return kindRank(pa) >= kindRank(pb) ? pa : pb;
  const [unsigned, signed] = isSigned(pa) ? [pb, pa] : [pa, pb];
  if (kindRank(unsigned) >= kindRank(signed)) return unsigned;
  // The signed kind is wider: it represents every value of the unsigned one (i64 vs u32).
  if (kindSize(signed) > kindSize(unsigned)) return signed;
  return toUnsigned(signed);
}
