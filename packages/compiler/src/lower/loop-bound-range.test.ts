// Loop bounds counted in the counter's kind (issue 9's audit): a limit the counter cannot hold, or a
// step that carries it past the end of its kind and around, is a loop whose end the proof does not
// show (in C, `for (u8 i = 0; i < 300; i++)` never ends) — TSBPF1023, not a program the verifier
// then refuses or that runs 2^32 times. Loops that stop before the end of the kind still compile.
import { describe, expect, it } from "vitest";
import { Codes } from "../diagnostics/codes.js";
import { compileText, probeSource } from "../testing/probes.js";

function errors(loop: string): number[] {
  const text = probeSource(`    let s: u32 = 0;\n    ${loop} { s += 1; }\n    return i32(s);`);
  return compileText(text).diagnostics.filter((d) => d.category === "error").map((d) => d.code);
}

describe("loop bounds in the counter's kind", () => {
  for (const loop of [
    "for (let i: u8 = 0; i < 300; i++)",
    "for (let i: u32 = 0; i < -1; i++)",
    "for (let i: u8 = 0; i < 250; i += 200)",
    "for (let i: u32 = 10; i > 0; i -= 3)",
    "for (let i: u8 = 0; i !== 256; i++)",
  ]) {
    it(`refuses ${loop}`, () => expect(errors(loop)).toEqual([Codes.UnboundedLoop]));
  }
  for (const loop of [
    "for (let i: u8 = 0; i < 255; i++)",
    "for (let i: u8 = 0; i <= 254; i++)",
    "for (let i: i8 = 10; i > -128; i--)",
    "for (let i: u32 = 12; i > 0; i -= 3)",
    "for (let i: u32 = 0; i < 10; i += 3)",
  ]) {
    it(`compiles ${loop}`, () => expect(errors(loop)).toEqual([]));
  }
});
