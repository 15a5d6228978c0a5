// Identities folded under BPF's rules (issue 9: clang's object for `s.d % s.d >= (s.d ^ s.d)` had
// 40 instructions, tsbpf's 789). What the folded programs compute is checked in the kernel against
// the evaluator by the conformance group "identities folded under BPF's rules"
// (conformance/cases/identities.ts); this checks that the folding happens.
import { describe, expect, it } from "vitest";
import { irOf, probeSource } from "../testing/probes.js";

const PREAMBLE = "interface Sd { a: u8; b: i16; c: u32; d: i64; e: u64 }";
const S = "    const s: Sd = { a: u8(ctx.args[0]), b: i16(ctx.args[1]), c: u32(ctx.args[2]), d: i64(ctx.args[3]), e: ctx.args[4] };";

/** Lines of the optimised IR that match (`if lt.u64 …` is a branch, `%1 = lt.u64 …` a comparison, `%1 = mod.u32 …`). */
function count(body: string, what: RegExp): number {
  const { printed } = irOf(probeSource(`${S}\n${body}`, { preamble: PREAMBLE }));
  return printed.split("\n").filter((l) => what.test(l)).length;
}

describe("identities under BPF's rules", () => {
  it("decides x % x >= (x ^ x) on a struct member read twice (x % 0 = x = 0)", () => {
    expect(count("    if (s.d % s.d >= (s.d ^ s.d)) return 1;\n    return 2;", /^\s*if |= (mod|xor)\./)).toBe(0);
  });

  it("folds x - x, x ^ x, x % x to 0 and x & x, x | x to x", () => {
    const body = "    return i32(u64(s.c - s.c) + u64(s.c ^ s.c) + u64(s.c % s.c) + u64(s.c & s.c) + u64(s.c | s.c));";
    expect(count(body, /= (sub|xor|mod|and|or)\./)).toBe(0);
  });

  it("decides x < x, x <= x, x === x, x !== x", () => {
    expect(count("    return (s.e < s.e ? 1 : 0) + (s.e <= s.e ? 2 : 0) + (s.b === s.b ? 4 : 0) + (s.b !== s.b ? 8 : 0);", /^\s*if |= (lt|le|eq|ne|gt|ge)\./)).toBe(0);
  });

  it("keeps x / x (1, or 0 when x is 0) and reads a member again after a store to it", () => {
    expect(count("    return i32(s.c / s.c);", /= div\./)).toBe(1);
    expect(count("    const t = s.c;\n    s.c = s.c + 1;\n    return i32(t - s.c);", /= sub\./)).toBe(1);
  });
});
