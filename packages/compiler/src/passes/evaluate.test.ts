import { describe, expect, it } from "vitest";
import { evalBinary, evalUnary } from "./evaluate.js";

describe("constant semantics", () => {
  it("wraps at the kind's width", () => {
    expect(evalBinary("add", "u32", 0xffffffffn, 1n)).toBe(0n);
    expect(evalBinary("add", "i32", 0x7fffffffn, 1n)).toBe(-0x80000000n);
    expect(evalBinary("mul", "u64", 1n << 63n, 2n)).toBe(0n);
    expect(evalUnary("neg", "u32", 1n)).toBe(0xffffffffn);
    expect(evalUnary("not", "i32", 0n)).toBe(-1n);
  });
  it("divides as BPF does: truncation, and x/0 = 0, x%0 = x", () => {
    expect(evalBinary("div", "i32", -7n, 2n)).toBe(-3n);
    expect(evalBinary("mod", "i32", -7n, 2n)).toBe(-1n);
    expect(evalBinary("div", "u32", 7n, 0n)).toBe(0n);
    expect(evalBinary("mod", "u32", 7n, 0n)).toBe(7n);
    expect(evalBinary("div", "i32", -0x80000000n, -1n)).toBe(-0x80000000n);
  });
  it("shifts by the amount modulo the width, arithmetic for signed kinds", () => {
    expect(evalBinary("shl", "u32", 1n, 33n)).toBe(2n);
    expect(evalBinary("shr", "i32", -8n, 1n)).toBe(-4n);
    expect(evalBinary("shr", "u32", 0x80000000n, 31n)).toBe(1n);
    expect(evalBinary("shr", "u64", 1n << 63n, 63n)).toBe(1n);
    expect(evalBinary("shr", "i64", -(1n << 63n), 63n)).toBe(-1n);
  });
});
