// evalCompare, which constant folding uses to decide comparisons and branches (and with them the
// bounds check of every variable index), against an independent model of BPF's JMP and JMP32
// instructions: the value is written as the 64-bit register it would be (DataView, two's
// complement, little endian) and read back as the comparison reads it (getBigInt64 /
// getBigUint64 for 64-bit kinds and pointers, getInt32 / getUint32 of the low half for the
// others), then compared with JavaScript's own operators. Every kind × every operator × boundary
// values, with immediates of every kind's range (issue 9: an i64 -2 folded `lt 4` as u64 was
// taken as true, which dropped the bounds check of `a[i32(-2)]`).
import { describe, expect, it } from "vitest";
import { INT_KINDS } from "../checker/kinds.js";
import type { CmpOp, IrKind } from "../ir/ir.js";
import { evalBinary, evalCompare } from "./evaluate.js";

const KINDS: readonly IrKind[] = [...INT_KINDS, "ptr"];
const OPS: readonly CmpOp[] = ["eq", "ne", "lt", "le", "gt", "ge"];

/** Around every width's boundaries, both signs. */
const VALUES: readonly bigint[] = (() => {
  const out = new Set<bigint>([0n, 1n, 2n, 3n, 4n, 5n, 7n, 8n, 100n]);
  for (const bits of [7n, 8n, 15n, 16n, 31n, 32n, 63n, 64n]) {
    const p = 1n << bits;
    for (const v of [p - 2n, p - 1n, p, p + 1n]) {
      out.add(v);
      out.add(-v);
    }
  }
  for (const v of [...out]) out.add(v - 1n);
  return [...out];
})();

function modelCompare(op: CmpOp, kind: IrKind, a: bigint, b: bigint): boolean {
  const read = (value: bigint): bigint | number => {
    const view = new DataView(new ArrayBuffer(8));
    view.setBigUint64(0, BigInt.asUintN(64, value), true);
    const wide = kind === "ptr" || kind === "u64" || kind === "i64";
    const signed = kind === "i8" || kind === "i16" || kind === "i32" || kind === "i64";
    if (wide) return signed ? view.getBigInt64(0, true) : view.getBigUint64(0, true);
    return signed ? view.getInt32(0, true) : view.getUint32(0, true);
  };
  const x = read(a);
  const y = read(b);
  switch (op) {
    case "eq": return x === y;
    case "ne": return x !== y;
    case "lt": return x < y;
    case "le": return x <= y;
    case "gt": return x > y;
    case "ge": return x >= y;
  }
}

describe("evalCompare", () => {
  it("agrees with a model of JMP/JMP32 for every kind, operator and boundary value", () => {
    let checked = 0;
    const wrong: string[] = [];
    for (const kind of KINDS) {
      for (const op of OPS) {
        for (const a of VALUES) {
          for (const b of VALUES) {
            checked++;
            const got = evalCompare(op, kind, a, b);
            if (got !== modelCompare(op, kind, a, b) && wrong.length < 10) wrong.push(`${a} ${op} ${b} as ${kind}: ${got}`);
          }
        }
      }
    }
    expect(wrong).toEqual([]);
    expect(checked).toBeGreaterThan(10 * 6 * 60 * 60);
  });

  it("decides the bounds check of a negative index as the unsigned comparison does", () => {
    // `cbr lt u64 index, length`: -2 as an i64 immediate is 2^64 - 2, out of range.
    expect(evalCompare("lt", "u64", -2n, 4n)).toBe(false);
    expect(evalCompare("lt", "u64", -1n, 4n)).toBe(false);
    expect(evalCompare("lt", "u64", 3n, 4n)).toBe(true);
    expect(evalCompare("lt", "u64", 4n, 4n)).toBe(false);
    expect(evalCompare("lt", "i64", -2n, 4n)).toBe(true);
    // 32-bit comparisons see the low 32 bits only.
    expect(evalCompare("eq", "u32", 1n << 32n, 0n)).toBe(true);
    expect(evalCompare("lt", "i32", 0xffffffffn, 0n)).toBe(true);
  });
});

describe("evalBinary reads its operands as the operation's kind", () => {
  it("divides and shifts an immediate of another kind as the kind's value", () => {
    expect(evalBinary("div", "u64", -2n, 2n)).toBe((1n << 63n) - 1n);
    expect(evalBinary("div", "u32", -2n, 2n)).toBe(0x7fffffffn);
    expect(evalBinary("mod", "u32", 5n, 1n << 32n)).toBe(5n); // the divisor is 0 in 32 bits
    expect(evalBinary("div", "u32", 5n, 1n << 32n)).toBe(0n);
    expect(evalBinary("shr", "i32", 0xfffffff8n, 1n)).toBe(-4n);
    expect(evalBinary("mod", "i64", -7n, 0n)).toBe(-7n);
  });
});
