// The compiler at sizes far past hand-written probes (issue 14). A method of 4,000 `if` blocks is
// deeper than TypeScript's control-flow analysis follows (TS2563 at 2,000 nested branch points):
// tsc checks it without narrowing (frontend/narrowing-free.ts), the compile goes on with a warning
// naming the method, and the program loads and computes in the kernel what its source says (an
// expectation computed here from the same steps, on chosen inputs through BPF_PROG_TEST_RUN). So
// does a method of 10,000 statements. Where narrowing does matter past the limit (a lookup's
// `V | undefined` tested thousands of branches after its declaration), TS2563 is reported on the
// method's name and nothing misleading follows. Time and memory: bench/scale.bench.mjs.
import { describe, expect, it } from "vitest";
import type { BpfObject } from "@tsbpf/runtime";
import { Codes } from "./diagnostics/codes.js";
import { formatDiagnostic } from "./diagnostics/format.js";
import { evaluateSteps, ifSteps, runnableMethod, statementSteps, xorshift, type Step } from "./testing/big-methods.js";
import { describeKernel } from "./testing/kernel.js";
import { compileText, IMPORTS } from "./testing/probes.js";

function compileSteps(steps: Step[]) {
  const text = runnableMethod(steps);
  const result = compileText(text);
  const errors = result.diagnostics.filter((d) => d.category === "error");
  if (errors.length > 0 || !result.probes[0]) throw new Error(errors.map((d) => formatDiagnostic(d, text)).join("\n\n") || "no probe");
  return result;
}

/** Inputs that take each kind of path: every returning `if`'s constant, around the comparisons' constants, others. */
function inputsFor(steps: Step[], count: number): number[] {
  const constants = steps.map((s) => Number(/(\d+)\)/.exec(s.source)?.[1] ?? 0));
  const next = xorshift(99);
  const picks = [0, 1, 999_999, 1_000_000, 0xffffffff, constants[0]!, constants.at(-1)!, constants[Math.floor(constants.length / 2)]!];
  while (picks.length < count) {
    const c = constants[next() % constants.length]!;
    picks.push(c, c + 1, Math.max(0, c - 1));
  }
  return picks.slice(0, count);
}

async function runAll(probeSpec: Parameters<typeof import("@tsbpf/runtime").loadObject>[0], steps: Step[], inputs: number[]) {
  const { loadObject } = await import("@tsbpf/runtime");
  await using object: BpfObject = await loadObject(probeSpec);
  const program = object.programs.get("run")!;
  for (const [i, x] of inputs.entries()) {
    const seed = (x * 2654435761 + i) >>> 0;
    const { retval, ctxOut } = program.testRun({ ctx: { x, seed, out: 0 } });
    const expected = evaluateSteps(steps, x, seed);
    expect({ x, seed, returns: retval, out: expected.out === undefined ? undefined : (ctxOut as { out: number }).out }).toEqual({ x, seed, ...expected });
  }
}

describe("large methods compile", () => {
  it("4,000 ifs: a warning naming the method (tsc checked it without narrowing), and a program", () => {
    const result = compileSteps(ifSteps(4000));
    const warnings = result.diagnostics.filter((d) => d.category === "warning");
    expect(warnings.map((d) => [d.code, d.line, d.column])).toEqual([[Codes.FlowLimit, 5, 3]]);
    expect(warnings[0]!.message).toMatch(/^the method 'Big\.run' nests \d+ branch points, past the 2,000 TypeScript's control-flow analysis follows \(TS2563\)/);
    expect(result.probes[0]!.spec.programs[0]!.instructions.length).toBeGreaterThan(4000);
  }, 120_000);

  it("a method under the limit gets no warning", () => {
    const result = compileSteps(ifSteps(300));
    expect(result.diagnostics).toEqual([]);
  }, 60_000);

  it("past the limit, a reference narrowing matters to is still TS2563 on the method's name, and nothing after it", () => {
    const lines = [
      IMPORTS,
      "export class Big extends Probe {",
      "  counts = new HashMap<u32, u64>({ maxEntries: 4 });",
      '  @tracepoint("syscalls", "sys_enter_write")',
      "  onWrite(ctx: SysEnterContext): i32 {",
      "    const pid = u32(bpf.getCurrentPidTgid() >> 32n);",
      "    const seen = this.counts.lookup(pid);",
      ...Array.from({ length: 4000 }, (_, i) => `    if (pid === ${i}) return ${i % 100};`),
      "    if (seen) return 1;",
      "    return 0;",
      "  }",
      "}",
      "",
    ];
    const result = compileText(lines.join("\n"));
    expect(result.probes).toEqual([]);
    const errors = result.diagnostics.filter((d) => d.category === "error");
    expect(errors.map((d) => [d.code, d.line, d.column])).toEqual([[2563, 5, 3]]);
    expect(errors[0]!.message).toMatch(/the method 'Big.onWrite' is too large for TypeScript's control-flow analysis/);
    expect(errors[0]!.hint).toMatch(/split it into smaller functions/);
  }, 120_000);
});

describeKernel("large methods run in the kernel as their source says", () => {
  it("4,000 ifs (returns and joining paths) on 40 inputs", async () => {
    const steps = ifSteps(4000);
    await runAll(compileSteps(steps).probes[0]!.spec, steps, inputsFor(steps, 40));
  }, 180_000);

  it("10,000 statements on 12 inputs", async () => {
    const steps = statementSteps(10_000);
    await runAll(compileSteps(steps).probes[0]!.spec, steps, inputsFor(steps, 12));
  }, 180_000);
});
