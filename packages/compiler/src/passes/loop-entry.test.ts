// A loop's first test of a counter the block before it set (`for (let i = 0; i < 26; i++)`) is
// decided on the way in (passes/known-branches.ts): the loop is entered at its body and tested at
// its end, as clang rotates it, with no jump back to a test at the top. (What loops compute is
// checked in the kernel against the evaluator by the conformance group "loops, switch, for…of and
// variable indexes" and by the fuzzer's programs.)
import { disassemble } from "@tsbpf/object";
import { describe, expect, it } from "vitest";
import { compiledProbe, probeSource } from "../testing/probes.js";

function listing(body: string): string[] {
  const probe = compiledProbe(probeSource(body));
  return disassemble(probe.spec.programs[0]!.instructions).map((l) => l.replace(/^\s*\d+: /, ""));
}

const loop = (kind: string, start: string) => `
      let v: u64 = ctx.args[0];
      let slot: u32 = 0;
      for (let i: ${kind} = ${start}; i < 26; i++) {
        if (v <= 1n) break;
        v = v >> 1n;
        slot++;
      }
      return i32(slot);`;

describe("a loop's first test", () => {
  it("is decided when the counter starts at a constant: one test of the bound, at the end", () => {
    const code = listing(loop("i32", "0"));
    expect(code.filter((l) => /0x1a goto/.test(l))).toEqual([expect.stringMatching(/^if w\d+ s< 0x1a goto -/)]);
    expect(code.filter((l) => /^goto /.test(l))).toEqual([]);
  });

  it("stays when the counter's start is not known (a u8 from the arguments)", () => {
    const code = listing(loop("u8", "u8(ctx.args[1])"));
    expect(code.filter((l) => /0x1a goto/.test(l)).length).toBeGreaterThanOrEqual(1);
    expect(code.some((l) => /^if w\d+ s?>= 0x1a goto \+/.test(l) || /^goto /.test(l))).toBe(true);
  });
});
