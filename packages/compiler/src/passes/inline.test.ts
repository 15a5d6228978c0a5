// Which subprogram calls are inlined (passes/inline.ts): once-called and small functions are,
// larger ones called more than once and bpf.loop callbacks stay BPF-to-BPF calls. What the
// programs compute is checked in the kernel by lower/functions.kernel.test.ts and the conformance
// suite; this checks the decisions, on the linked instructions.
import { describe, expect, it } from "vitest";
import { compileText, probeSource } from "../testing/probes.js";

const BPF_PSEUDO_CALL = 1;

/** BPF-to-BPF calls (`call pc+k`) in the program's linked code, and its slot count. */
function calls(preamble: string, body: string): { calls: number; slots: number } {
  const result = compileText(probeSource(body, { preamble }));
  expect(result.diagnostics.filter((d) => d.category === "error")).toEqual([]);
  const program = result.probes[0]!.spec.programs[0]!;
  return { calls: program.instructions.filter((i) => i.code === 0x85 && i.src === BPF_PSEUDO_CALL).length, slots: program.instructions.length };
}

const LARGE = `function large(a: u64, b: u64): u64 {
  let x = a * 3n + b;
  x = x ^ (a << 7n);
  if (x > b) x = x - b;
  else x = x + a;
  x = x * 5n + (x >> 3n);
  return x | (b & 0xffn);
}`;

describe("inlining", () => {
  it("inlines a function called once", () => {
    expect(calls(LARGE, "return i32(large(ctx.args[0], ctx.args[1]) & 1n);").calls).toBe(0);
  });

  it("inlines a small function at every call", () => {
    const small = "function mix(a: u32, b: u32): u32 { return a * 31 + b; }";
    expect(calls(small, "return i32(mix(u32(ctx.args[0]), 1) + mix(2, u32(ctx.args[1])));").calls).toBe(0);
  });

  it("keeps a larger function called twice as one subprogram", () => {
    expect(calls(LARGE, "return i32((large(ctx.args[0], ctx.args[1]) + large(ctx.args[1], ctx.args[2])) & 1n);").calls).toBe(2);
  });

  it("keeps a function tagged @noinline a call", () => {
    const tagged = "/** @noinline */\nfunction mix(a: u32, b: u32): u32 { return a * 31 + b; }";
    expect(calls(tagged, "return i32(mix(u32(ctx.args[0]), 1));").calls).toBe(1);
  });

  it("makes the once-called function's program smaller than the call", () => {
    const inlined = calls(LARGE, "return i32(large(ctx.args[0], ctx.args[1]) & 1n);");
    const called = calls(LARGE, "return i32((large(ctx.args[0], ctx.args[1]) + large(ctx.args[1], ctx.args[2])) & 1n);");
    expect(inlined.slots).toBeLessThan(called.slots);
  });
});
