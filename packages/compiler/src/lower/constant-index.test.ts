// Indexes (issue 9). An index that is a compile-time constant — a literal, a `const` local or
// module constant of one, an enum member — is checked when compiling: out of range, it is
// TSBPF2011 at the index (docs/language.md). Any other index is checked at run time, even when
// folding later finds its value: the optimised code of `a[i32(-2)]` or of a `let` that constant
// propagation carries into the index keeps no access to the array (the check folds to "out of
// range"), and the kernel runs of conformance/cases/indexes.ts show the documented results.
import { describe, expect, it } from "vitest";
import { Codes } from "../diagnostics/codes.js";
import { compileText, irOf, probeSource } from "../testing/probes.js";

const PREAMBLE = "const K: i32 = -2;\nconst L: u32 = 4;";

function codes(body: string): { code: number; text: string }[] {
  const text = probeSource(body, { preamble: PREAMBLE });
  return compileText(text).diagnostics
    .filter((d) => d.category === "error")
    .map((d) => ({ code: d.code, text: text.split("\n")[d.line - 1]!.slice(d.column - 1, d.column - 1 + 2) }));
}

describe("constant indexes out of range", () => {
  for (const [index, at] of [["-1", "-1"], ["4", "4]"], ["K", "K]"], ["L", "L]"], ["j", "j]"]] as const) {
    it(`a[${index}] is TSBPF2011 at the index`, () => {
      const body = `    const a: FixedArray<u32, 4> = zero();\n    const j: i32 = -3;\n    a[${index}] = 1;\n    return i32(a[0]);`;
      expect(codes(body)).toEqual([{ code: Codes.IndexOutOfRange, text: at.slice(0, 2) }]);
    });
  }

  // An index computed from constants has C's value (`L - 5` is u32 4294967295, `K / L + 3` is
  // 4294967294 / 4 + 3): out of range, it is checked at run time as any other index.
  for (const index of ["L - 5", "K / L + 3", "(K >> 1) - 1"]) {
    it(`a[${index}] compiles and is checked at run time`, () => {
      expect(codes(`    const a: FixedArray<u32, 4> = zero();\n    a[${index}] = 1;\n    return i32(a[0]);`)).toEqual([]);
    });
  }

  it("compiles the boundary constants 0 and length - 1", () => {
    expect(codes("    const a: FixedArray<u32, 4> = zero();\n    a[0] = 1; a[L - 1] = 2;\n    return i32(a[3]);")).toEqual([]);
  });
});

describe("indexes whose value only folding knows", () => {
  /** Stores to the array `a` (a stack object) left in the optimised IR. */
  function storesLeft(body: string): number {
    const { printed } = irOf(probeSource(`    const a: FixedArray<u32, 4> = zero();\n${body}\n    return i32(a[1]);`));
    return printed.split("\n").filter((l) => /store/.test(l) && !/zero/.test(l)).length;
  }

  for (const [what, body] of [
    ["a cast negative literal", "    a[i32(-2)] = 7;"],
    ["a let carried by constant propagation", "    let i: i32 = -2;\n    a[i] = 7;"],
    ["a negative sum", "    let i: i32 = 1;\n    i = i - 3;\n    a[i] = 7;"],
    ["a large unsigned value", "    a[u32(4294967295)] = 7;"],
    ["the length", "    let i: u8 = 4;\n    a[i] = 7;"],
    ["a sum of constants C makes out of range", "    a[K / L + 3] = 7;"],
    ["a difference of constants that wraps", "    a[L - 5] = 7;"],
  ] as const) {
    it(`drops the write at ${what} (out of range: nothing is written)`, () => {
      expect(storesLeft(body)).toBe(0);
    });
  }

  it("keeps the write at an in-range index it knows", () => {
    expect(storesLeft("    let i: i32 = 3;\n    a[i] = 7;")).toBe(1);
  });
});
