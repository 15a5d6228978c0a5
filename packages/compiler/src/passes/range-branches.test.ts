// Tests a register's unsigned kind decides: a u8 against 256 (the bounds check of an index into a
// 256-element array) goes, a u8 against 200 or a u32 under a signed 32-bit test stays. What the
// folded programs compute is checked in the kernel against the evaluator by the conformance suite
// and the random-program tests; this checks which tests fold.
import { describe, expect, it } from "vitest";
import { irOf, probeSource } from "../testing/probes.js";

const PREAMBLE = "interface Sd { a: u8; b: u16; c: u32 }";
const S = "    const s: Sd = { a: u8(ctx.args[0]), b: u16(ctx.args[1]), c: u32(ctx.args[2]) };";

function branches(body: string): number {
  const { printed } = irOf(probeSource(`${S}\n${body}`, { preamble: PREAMBLE }));
  return printed.split("\n").filter((l) => /^\s*if /.test(l)).length;
}

describe("tests a register's kind decides", () => {
  it("folds a u8 against 256 and a u16 against 65536 either way round", () => {
    expect(branches("    if (s.a >= 256) return 1;\n    if (256 <= s.a) return 2;\n    if (s.b > 65535) return 3;\n    return 0;")).toBe(0);
    expect(branches("    if (s.a < 256) return 1;\n    return 0;")).toBe(0);
  });

  it("keeps tests the kind leaves open", () => {
    expect(branches("    if (s.a >= 200) return 1;\n    return 0;")).toBe(1);
    expect(branches("    if (i32(s.c) < 0) return 1;\n    return 0;")).toBe(1);
  });
});
