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

describe("what the generator covers", () => {
  // The constructs docs/status.md lists for the fuzzer (issue 9): each must turn up in the bounded
  // run's programs, so that `npm test` checks them in the kernel against the evaluator.
  const bodies = randomPrograms(20261123, 600, smallOptions).map((p) => `${p.body}\n${p.declarations ?? ""}`).join("\n");
  const constructs: [string, RegExp][] = [
    ["a cast negative constant index", /\w\[i(8|16|32)\(-\d+\)\]/],
    ["a cast constant index at or past the length", /\w\[u(8|16|32)\((4|8|9|255|256|65535|4294967295)\)\]/],
    ["a raw variable index", /arr\d+\[(ctx\.\w+|v\d+)\]/],
    ["a local holding an index value, used as the index", /arr\d+\[j\d+\]/],
    ["a let of a negative index value", /let j\d+: \w+ = \w+\(-\d+\);/],
    ["a bool narrowed to never in && ", /if \((c\d+)\) \{ if \(!\1\) \{ \1 = .* && \1; \} \}/],
    ["b || (b || x) inside if (b)", /if \((c\d+)\) \{ \1 = \(\1 \|\| \(\1 \|\| /],
    ["an early return", /^ {4}if \(.*\) return i32\(/m],
    ["a struct spread", /= \{ \.\.\.s\d+, /],
    ["a struct copy", /const s\d+: Rs = s\d+;/],
    ["a module constant", /K_(NEG|BIG|BOUND|WIDE|MASK)/],
    ["a loop bounded by a module constant", /< K_BOUND; /],
    ["== and !=", /[^=!]== [^=]|!= [^=]/],
    ["a nested struct, its members and its array member", /const n\d+: Rn = zero\(\);[\s\S]*n\d+\.(s\.[a-e]|k\[)/],
    ["an array of structs and a member of an element", /const q\d+: FixedArray<Rs, 2> = zero\(\);[\s\S]*q\d+\[[01]\]\.[a-e]/],
    ["an array of arrays and an element of an inner array", /const w\d+: FixedArray<FixedArray<\w+, 2>, 3> = zero\(\);[\s\S]*w\d+\[[0-2]\]\[/],
    ["members of a const enum and of an enum", /Ge\.(Lo|Mid|Hi)[\s\S]*Gf\.(X|Y)|Gf\.(X|Y)[\s\S]*Ge\.(Lo|Mid|Hi)/],
    ["an array map (lookup, update, delete)", /this\.am\.(lookup|update)[\s\S]*this\.am\.delete|this\.am\.delete[\s\S]*this\.am\.(lookup|update)/],
    ["a labelled block left by break", /(B\d+): \{[\s\S]*break \1;/],
  ];
  for (const [what, pattern] of constructs) {
    it(`writes ${what}`, () => expect(bodies).toMatch(pattern));
  }
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
