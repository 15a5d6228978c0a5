// Folding by value ranges (issue 9 item 3): that the folding happens, in the optimised IR. What the
// folded programs compute is checked in the kernel against the evaluator by the conformance groups
// "conditions and identities folded by value ranges" and "indexes whose value range is known"
// (conformance/cases/ranges.ts).
import { describe, expect, it } from "vitest";
import { irOf, probeSource } from "../testing/probes.js";

const X = "    const x: u64 = ctx.args[0];\n    const y: u64 = ctx.args[1];";

function lines(body: string, what: RegExp): number {
  const { printed } = irOf(probeSource(`${X}\n${body}`));
  return printed.split("\n").filter((l) => what.test(l)).length;
}
const BRANCH_OR_CMP = /^\s*if |= (lt|le|eq|ne|gt|ge)\./;

describe("folding by value ranges", () => {
  // All conditions in one program (one compilation): each `if` adds its own bit to the result.
  const ifs = (conds: string[]) => `    let r: i32 = 0;\n${conds.map((c, i) => `    if (${c}) r += ${1 << i};`).join("\n")}\n    return r;`;

  it("decides conditions on narrowed, masked, remaindered, divided and shifted values", () => {
    const settled = [
      "i32(u8(x)) < 256", "u32(x) % 8 <= 7", "(u32(x) & 3) !== 4", "(x >> 60n) < 16n",
      "u16(x) / u16(y) <= u16(x)", "i32(i8(x)) >= -128", "u32(u8(x)) + u32(u8(y)) < 511", "u32(x) % u32(y) <= u32(x)",
    ];
    expect(lines(ifs(settled), BRANCH_OR_CMP)).toBe(0);
  });

  it("leaves conditions the intervals do not settle", () => {
    const open = ["i32(x) % 5 >= 0", "(u32(x) & 7) < 7", "u32(x) % u32(y) < u32(y)", "i64(i32(x)) - i64(i32(y)) < 0n"];
    expect(lines(ifs(open), BRANCH_OR_CMP)).toBe(open.length);
  });

  it("folds x % 0 to x, x / 0 to 0, x % 1 to 0, x / 1, x * 1, x & ~0 to x (a zero divisor known only after folding)", () => {
    const body = "    const z: u32 = u32(y) ^ u32(y);\n    return i32(u32(x) % z) + i32(u32(x) / z) + i32(u32(x) % 1) + i32(u32(x) / 1) + i32(u32(x) * 1) + i32(u32(x) & 0xffffffff);";
    expect(lines(body, /= (mod|div|mul|and)\./)).toBe(0);
  });

  it("drops an index's bounds check only where the verifier knows the interval too", () => {
    const body = (index: string) => `    const a: FixedArray<u32, 4> = zero();\n    a[1] = 7;\n    return i32(a[${index}]);`;
    // A mask the verifier tracks: in range, no check.
    expect(lines(body("u32(x) & 3"), BRANCH_OR_CMP)).toBe(0);
    expect(lines(body("u32(x >> 62n)"), BRANCH_OR_CMP)).toBe(0);
    // A remainder is in range too, but the verifier (6.18) does not bound BPF_MOD: the check stays.
    expect(lines(body("u32(x) % 4"), BRANCH_OR_CMP)).toBe(1);
    // Past the end or below 0: checked.
    expect(lines(body("u32(x) % 5"), BRANCH_OR_CMP)).toBe(1);
    expect(lines(body("u32(x) & 7"), BRANCH_OR_CMP)).toBe(1);
    expect(lines(body("i32(u32(x) & 3) - 1"), BRANCH_OR_CMP)).toBeGreaterThan(0);
  });
});
