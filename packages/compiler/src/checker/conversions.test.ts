import { describe, expect, it } from "vitest";
import { promote, usualArithmetic } from "./conversions.js";
import { inRange, wrapToKind, type IntKind } from "./kinds.js";

describe("integer promotions", () => {
  it("promotes every kind below int to int, as C does", () => {
    for (const k of ["bool", "u8", "i8", "u16", "i16"] as IntKind[]) expect(promote(k)).toBe("i32");
    for (const k of ["u32", "i32", "u64", "i64"] as IntKind[]) expect(promote(k)).toBe(k);
  });
});

describe("usual arithmetic conversions", () => {
  const cases: [IntKind, IntKind, IntKind][] = [
    ["u8", "u8", "i32"],
    ["i8", "u8", "i32"],
    ["u16", "i16", "i32"],
    ["bool", "u8", "i32"],
    ["u32", "i32", "u32"],
    ["i32", "u32", "u32"],
    ["u8", "u32", "u32"],
    ["i64", "u32", "i64"],
    ["u32", "i64", "i64"],
    ["u64", "i64", "u64"],
    ["i64", "u64", "u64"],
    ["u64", "i32", "u64"],
    ["i64", "i32", "i64"],
    ["u64", "u8", "u64"],
  ];
  for (const [a, b, expected] of cases) {
    it(`${a} with ${b} is ${expected}`, () => {
      expect(usualArithmetic(a, b)).toBe(expected);
      expect(usualArithmetic(b, a)).toBe(expected);
    });
  }
});

describe("wrap-around and ranges", () => {
  it("truncates and reinterprets as C conversions do", () => {
    expect(wrapToKind(300n, "u8")).toBe(44n);
    expect(wrapToKind(200n, "i8")).toBe(-56n);
    expect(wrapToKind(-1n, "u32")).toBe(0xffffffffn);
    expect(wrapToKind(-1n, "u64")).toBe(0xffffffffffffffffn);
    expect(wrapToKind(0x1_0000_0000n, "i32")).toBe(0n);
    expect(wrapToKind(7n, "bool")).toBe(1n);
  });
  it("knows each kind's range", () => {
    expect(inRange(255n, "u8")).toBe(true);
    expect(inRange(256n, "u8")).toBe(false);
    expect(inRange(-128n, "i8")).toBe(true);
    expect(inRange(-129n, "i8")).toBe(false);
    expect(inRange(-1n, "u64")).toBe(false);
    expect(inRange((1n << 63n) - 1n, "i64")).toBe(true);
  });
});
