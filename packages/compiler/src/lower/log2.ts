/**
 * `bpf.log2(v)` / `bpf.log2l(v)`: floor(log2(v)) (0 for 0), inline as libbpf-tools' bits.bpf.h
 * computes it: halve the range in five (32-bit) or six (64-bit) compare-and-shift steps, without
 * a branch or a loop, then add the last bit.
 */
import type { ts } from "ts-morph";
import { intType } from "../checker/types.js";
import { Codes } from "../diagnostics/codes.js";
import type { Operand } from "../ir/ir.js";
import type { LowerContext } from "./context.js";
import { convertTo } from "./convert.js";
import { fail } from "./errors.js";
import { lowerExpr } from "./lower-expr.js";
import type { RValue } from "./values.js";

export function lowerLog2(L: LowerContext, node: ts.CallExpression, wide: boolean): RValue {
  const name = wide ? "log2l" : "log2";
  const arg = node.arguments[0];
  if (!arg || node.arguments.length !== 1) fail(Codes.HelperArguments, node, `bpf.${name}() takes one argument`);
  const kind = wide ? "u64" : "u32";
  const total = emitLog2(L, convertTo(L, lowerExpr(L, arg, intType(kind)), intType(kind), arg), wide);
  if (!wide) return { type: intType("u32"), op: total };
  const out = L.b.newReg("u32");
  L.b.emit({ op: "conv", dst: out, src: total, from: "u64", to: "u32" });
  return { type: intType("u32"), op: { tag: "reg", reg: out } };
}

/** floor(log2(v)) of a u32 (or, `wide`, a u64) operand, 0 for 0, in a register of that kind. */
export function emitLog2(L: LowerContext, value: Operand, wide: boolean): Operand {
  const kind = wide ? "u64" : "u32";
  const b = L.b;
  const reg = (r: ReturnType<typeof b.newReg>): Operand => ({ tag: "reg", reg: r });
  const k = (n: number): Operand => ({ tag: "imm", value: BigInt(n), kind });
  let v: Operand = value;
  let result: Operand = k(0);
  for (const bits of wide ? [32, 16, 8, 4, 2] : [16, 8, 4, 2]) {
    // shift = (v > 2^bits - 1) << log2(bits); v >>= shift; result |= shift
    const above = b.newReg("bool");
    b.emit({ op: "cmp", cmp: "gt", kind, dst: above, a: v, b: k(2 ** bits - 1) });
    const one = b.newReg(kind);
    b.emit({ op: "conv", dst: one, src: reg(above), from: "bool", to: kind });
    const shift = b.newReg(kind);
    b.emit({ op: "bin", bop: "shl", kind, dst: shift, a: reg(one), b: k(Math.log2(bits)) });
    const next = b.newReg(kind);
    b.emit({ op: "bin", bop: "shr", kind, dst: next, a: v, b: reg(shift) });
    const merged = b.newReg(kind);
    b.emit({ op: "bin", bop: "or", kind, dst: merged, a: result, b: reg(shift) });
    v = reg(next);
    result = reg(merged);
  }
  const last = b.newReg(kind);
  b.emit({ op: "bin", bop: "shr", kind, dst: last, a: v, b: k(1) });
  const total = b.newReg(kind);
  b.emit({ op: "bin", bop: "or", kind, dst: total, a: result, b: reg(last) });
  return reg(total);
}
