// The compiler at sizes far past hand-written probes (issue 14): a method of 4,000 `if` blocks
// meets TypeScript's own control-flow limit (TS2563), which is reported as what it is, on the
// method's name, and stops the compile there (no misleading TSBPF4001 after it); a method of
// 2,000 statements compiles. bench/scale.bench.mjs measures time and memory up to 10,000 statements.
import { describe, expect, it } from "vitest";
import { bigMethod } from "./testing/big-methods.js";
import { compileText, IMPORTS } from "./testing/probes.js";

describe("large methods", () => {
  it("4,000 ifs: TS2563 on the method's name, and nothing after it", () => {
    const result = compileText(bigMethod("ifs", 4000, IMPORTS));
    expect(result.probes).toEqual([]);
    expect(result.diagnostics.map((d) => [d.code, d.line, d.column])).toEqual([[2563, 4, 3]]);
    expect(result.diagnostics[0]!.message).toMatch(/the method 'Big.onWrite' is too large for TypeScript's control-flow analysis/);
    expect(result.diagnostics[0]!.hint).toMatch(/split it into smaller functions/);
  }, 60_000);

  it("2,000 statements compile into one program", () => {
    const result = compileText(bigMethod("statements", 2000, IMPORTS));
    expect(result.diagnostics.filter((d) => d.category === "error")).toEqual([]);
    const program = result.probes[0]!.spec.programs[0]!;
    // Each statement is at least one ALU instruction; nothing was dropped.
    expect(program.instructions.length).toBeGreaterThan(2000);
  }, 60_000);
});
