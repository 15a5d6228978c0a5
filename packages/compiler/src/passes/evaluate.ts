/**
 * The exact semantics of the IR's operations on constants, shared by constant folding and by the
 * tests that check the kernel's results: arithmetic wraps at the kind's width, division by zero
 * gives BPF's results (x / 0 = 0, x % 0 = x), shift amounts are taken modulo the width.
 *
 * Operands are first read as the operation's kind reads them (an immediate may carry another
 * kind's value: `-2` as an i64 compared as u64 is 2^64 - 2), so that a folded result is the one
 * the instruction computes at run time, never the one the bigints' mathematical values suggest.
 */
import { isSigned, kindBits, wrapToKind, type IntKind } from "../checker/kinds.js";
import type { BinOp, CmpOp, IrKind, UnOp } from "../ir/ir.js";

export function evalBinary(op: BinOp, kind: IntKind, rawA: bigint, rawB: bigint): bigint {
  const bits = BigInt(kindBits(kind));
  const a = wrapToKind(rawA, kind);
  const b = wrapToKind(rawB, kind);
  switch (op) {
    case "add": return wrapToKind(a + b, kind);
    case "sub": return wrapToKind(a - b, kind);
    case "mul": return wrapToKind(a * b, kind);
    case "div": return b === 0n ? 0n : wrapToKind(a / b, kind);
    case "mod": return b === 0n ? a : wrapToKind(a % b, kind);
    case "and": return wrapToKind(a & b, kind);
    case "or": return wrapToKind(a | b, kind);
    case "xor": return wrapToKind(a ^ b, kind);
    case "shl": return wrapToKind(a << (BigInt.asUintN(64, b) % bits), kind);
    case "shr": {
      const amount = BigInt.asUintN(64, b) % bits;
      return isSigned(kind) ? wrapToKind(a >> amount, kind) : wrapToKind(BigInt.asUintN(Number(bits), a) >> amount, kind);
    }
  }
}

export function evalUnary(op: UnOp, kind: IntKind, a: bigint): bigint {
  if (op === "be16" || op === "be32") {
    const bytes = op === "be16" ? 2 : 4;
    let v = 0n;
    for (let i = 0; i < bytes; i++) v |= ((a >> BigInt(8 * i)) & 0xffn) << BigInt(8 * (bytes - 1 - i));
    return wrapToKind(v, kind);
  }
  return op === "neg" ? wrapToKind(-a, kind) : wrapToKind(~a, kind);
}

/**
 * How a comparison of `kind` sees a 64-bit register value: 64-bit kinds and pointers compare all
 * 64 bits (JMP), kinds up to 32 bits the low 32 bits (JMP32, the IR's registers of those kinds hold
 * their value extended to 32 bits); signed kinds as two's complement, the others unsigned.
 */
export function comparedValue(kind: IrKind, value: bigint): bigint {
  const bits = kind === "ptr" || kindBits(kind) === 64 ? 64 : 32;
  return kind !== "ptr" && isSigned(kind) ? BigInt.asIntN(bits, value) : BigInt.asUintN(bits, value);
}

/** `a cmp b` as the instruction compares them: in the kind's width and signedness. */
export function evalCompare(op: CmpOp, kind: IrKind, rawA: bigint, rawB: bigint): boolean {
  const a = comparedValue(kind, rawA);
  const b = comparedValue(kind, rawB);
  switch (op) {
    case "eq": return a === b;
    case "ne": return a !== b;
    case "lt": return a < b;
    case "le": return a <= b;
    case "gt": return a > b;
    case "ge": return a >= b;
  }
}
