/**
 * Bounded fuzzing of every parser (deterministic seeds, a few seconds each): each input either
 * parses or is refused with an ObjectFormatError, never anything else. Then every minimised
 * finding of past campaigns (regressions/) is replayed. `npm run fuzz` runs the same targets
 * without bound (scripts/fuzz-parsers.mjs).
 */
import { describe, expect, it } from "vitest";
import { runCampaign } from "./campaign.js";
import { loadCorpus, REGRESSIONS_DIR } from "./corpus.js";
import { applyMutation } from "./mutation.js";
import { readRegressions } from "./regression.js";
import { fuzzTargets } from "./targets.js";

const corpus = loadCorpus();
/** Inputs per target in `npm test`; the seeds are fixed, so a failure reproduces. */
const INPUTS: Record<string, number> = { elf: 1500, btf: 1500, "btf-split": 600, "btf-lazy": 1200, "btf-ext": 1500, instructions: 1500 };

describe("parser fuzzing (bounded)", () => {
  for (const target of fuzzTargets) {
    it(`${target.name}: ${INPUTS[target.name]} mutated inputs give only ObjectFormatError`, async () => {
      const seeds = target.seeds(corpus);
      expect(seeds.length).toBeGreaterThan(0);
      for (const seed of seeds) target.run(seed.bytes, seed); // every seed itself parses
      const result = await runCampaign(target, seeds, { seed: 0x14, inputs: INPUTS[target.name]! });
      const shown = result.findings.slice(0, 3).map((f) => `${f.seed} ${JSON.stringify(f.mutation)}: ${f.stack}`);
      expect(shown).toEqual([]);
      // The mutations reach past the header checks: a fair share parses, a fair share is refused.
      expect(result.refused).toBeGreaterThan(result.inputs / 20);
      expect(result.refused).toBeLessThan(result.inputs);
    });
  }
});

describe("parser fuzzing regressions", () => {
  const cases = readRegressions(REGRESSIONS_DIR).filter((c) => fuzzTargets.some((t) => t.name === c.data.target));
  it("has regression cases", () => expect(cases.length).toBeGreaterThan(0));
  for (const { file, data } of cases) {
    it(`${file} (was ${data.was})`, () => {
      const target = fuzzTargets.find((t) => t.name === data.target)!;
      const seed = target.seeds(corpus).find((s) => s.name === data.seed);
      expect(seed, `seed ${data.seed} is in the corpus`).toBeDefined();
      try {
        target.run(applyMutation(seed!.bytes, data.mutation), seed!);
      } catch (error) {
        if (!target.expected(error)) throw error;
      }
    });
  }
});
