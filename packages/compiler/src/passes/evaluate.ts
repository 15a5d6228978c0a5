/**
 * The exact semantics of the IR's operations on constants, shared by constant folding and by the
 * tests that check the kernel's results: arithmetic wraps at the kind's width, division by zero
 * gives BPF's results (x / 0 = 0, x % 0 = x), shift amounts are taken modulo the width.
 */
import { isSigned, kindBits, wrapToKind, type IntKind } from "../checker/kinds.js";
import type { BinOp, CmpOp, UnOp } from "../ir/ir.js";

export function evalBinary(op: BinOp, kind: IntKind, a: bigint, b: bigint): bigint {
  const bits = BigInt(kindBits(kind));
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

export function evalCompare(op: CmpOp, a: bigint, b: bigint): boolean {
  switch (op) {
    case "eq": return a === b;
    case "ne": return a !== b;
    case "lt": return a < b;
    case "le": return a <= b;
    case "gt": return a > b;
    case "ge": return a >= b;
  }
}
