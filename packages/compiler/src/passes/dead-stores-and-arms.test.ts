// Fuzzer seeds 11002354 and 11013432 (issue 9, item 3): loops around struct locals nothing read
// and ternaries with alike arms (`(d == a) ? d : d`) made the verifier walk past a million
// instructions where clang's code has neither. The regression cases run those programs in the
// kernel against the evaluator (conformance/regressions/seed-*.json); this checks the passes.
import { describe, expect, it } from "vitest";
import { irOf, probeSource } from "../testing/probes.js";

const PREAMBLE = "interface Sd { a: u8; b: i16; c: u32; d: i64; e: u64 }";

function lines(body: string, what: RegExp): number {
  const { printed } = irOf(probeSource(body, { preamble: PREAMBLE, fields: "  m = new HashMap<u32, u64>({ maxEntries: 8 });" }));
  return printed.split("\n").filter((l) => what.test(l)).length;
}

describe("stores into stack objects nothing reads", () => {
  it("drops a struct literal and a zeroed array that are never read", () => {
    const body = "    const s: Sd = { a: u8(ctx.args[0]), b: 2, c: 3, d: 4n, e: ctx.args[1] };\n    const a: FixedArray<u16, 8> = zero();\n    a[1] = 5;\n    return 0;";
    expect(lines(body, /store|zero|copy/)).toBe(0);
  });

  it("keeps a struct that is read, and one copied into another that is read", () => {
    expect(lines("    const s: Sd = { a: 1, b: 2, c: u32(ctx.args[0]), d: 4n, e: 5n };\n    return i32(s.c);", /store|zero/)).toBeGreaterThan(0);
    const copied = "    const s: Sd = { a: 1, b: 2, c: u32(ctx.args[0]), d: 4n, e: 5n };\n    const t: Sd = s;\n    return i32(t.c);";
    expect(lines(copied, /store|zero|copy/)).toBeGreaterThan(0);
  });

  it("keeps a map key, whose address the helper takes", () => {
    const body = "    const k: u32 = u32(ctx.args[0]);\n    this.m.update(k, 1n);\n    return 0;";
    expect(lines(body, /store/)).toBeGreaterThan(0);
  });
});

describe("branches whose arms are alike", () => {
  it("makes c ? x : x and if/else with the same assignment no branch", () => {
    expect(lines("    const x = u32(ctx.args[0]);\n    const y = u32(ctx.args[1]);\n    return i32(x === y ? y : y);", /^\s*if /)).toBe(0);
    expect(lines("    let r: u32 = 0;\n    if (ctx.args[0] > 3n) { r = u32(ctx.args[1]); } else { r = u32(ctx.args[1]); }\n    return i32(r);", /^\s*if /)).toBe(0);
  });

  it("keeps a branch whose arms differ", () => {
    expect(lines("    const x = u32(ctx.args[0]);\n    const y = u32(ctx.args[1]);\n    return i32(x === y ? y : x);", /^\s*if /)).toBe(1);
  });
});
