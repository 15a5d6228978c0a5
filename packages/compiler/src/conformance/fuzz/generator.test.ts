// The generator without the kernel: the same seed gives the same program, programs are well typed
// (tsc and the compiler accept them), and the evaluator runs them; the minimiser shrinks a tree
// while a predicate holds and never drops a shift-count mask.
import { describe, expect, it } from "vitest";
import { fixturePath } from "../../testing/probes.js";
import { compileBatch } from "../harness.js";
import { Evaluator } from "../evaluator/interpreter.js";
import { randomBatch, randomInputs, randomPrograms } from "./campaign.js";
import { batchSource } from "../harness.js";
import { defaultOptions, smallOptions } from "./generator.js";
import { minimize } from "./minimize.js";
import { leaf, list, node, render, walk } from "./tree.js";

describe("random program generator", () => {
  it("is deterministic per seed", () => {
    const [a] = randomPrograms(42, 1);
    const [b] = randomPrograms(42, 1);
    const [c] = randomPrograms(43, 1);
    expect(a!.body).toBe(b!.body);
    expect(a!.declarations).toBe(b!.declarations);
    expect(a!.body).not.toBe(c!.body);
  });

  it("writes programs that compile and that the evaluator runs", () => {
    const programs = [...randomPrograms(1000, 4, defaultOptions), ...randomPrograms(2000, 8, smallOptions)];
    const inputs = randomInputs(1);
    const batch = randomBatch(programs, inputs, "gen");
    const source = batchSource(batch);
    expect(compileBatch(source, fixturePath("generator-check.bpf.ts")).byteLength).toBeGreaterThan(0);
    const evaluator = new Evaluator(source);
    const state = evaluator.newState(batch.className);
    for (const p of programs) for (const input of inputs) evaluator.run(batch.className, p.name, input, state);
  }, 120_000);
});

describe("minimiser", () => {
  it("drops what the failure does not need and keeps masks", async () => {
    const mask = node("n", [leaf("n", "ctx.x_u32")], ([x]) => `(${x} & 31)`, { fixed: true });
    const shift = node("n", [leaf("n", "ctx.y_u32"), mask], ([a, b]) => `(${a} << ${b})`);
    const tree = list([
      node("stmt", [], () => "    let v0: u32 = 1;", { removable: true }),
      node("stmt", [shift], ([x]) => `    ctx.r0 = u64(${x});`, { removable: true }),
      node("stmt", [], () => "    ctx.r1 = 7n;", { removable: true }),
      node("stmt", [], () => "    return 0;", { keep: true }),
    ]);
    const small = await minimize(tree, async (t) => render(t).includes("<<"));
    expect(render(small)).toBe("    ctx.r0 = u64((ctx.y_u32 << (ctx.x_u32 & 31)));\n    return 0;");
    expect([...walk(small)].some((e) => e.node.fixed)).toBe(true);
  });
});
