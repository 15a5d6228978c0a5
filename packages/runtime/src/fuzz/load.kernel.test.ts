// loadObject under bounded fuzz on the real kernel: mutated clang- and tsbpf-built objects fail
// only with the runtime's typed errors (BpfError and subclasses), and every minimised finding of
// past campaigns (regressions/) is replayed.
import { expect, it } from "vitest";
import { runCampaign } from "../../../object/src/fuzz/campaign.js";
import { loadCorpus } from "../../../object/src/fuzz/corpus.js";
import { applyMutation } from "../../../object/src/fuzz/mutation.js";
import { readRegressions } from "../../../object/src/fuzz/regression.js";
import { describeKernel } from "../testing/kernel.js";
import { LOAD_REGRESSIONS_DIR, loadObjectTarget } from "./load-target.js";

describeKernel("loadObject fuzzing (bounded)", () => {
  const corpus = loadCorpus();
  const seeds = loadObjectTarget.seeds(corpus);

  it("loads every seed as it is", async () => {
    expect(seeds.length).toBeGreaterThan(5);
    for (const seed of seeds) await loadObjectTarget.run(seed.bytes, seed);
  });

  it("300 mutated objects fail only with typed errors", async () => {
    const result = await runCampaign(loadObjectTarget, seeds, { seed: 0x14, inputs: 300 });
    expect(result.findings.slice(0, 3).map((f) => `${f.seed} ${JSON.stringify(f.mutation)}: ${f.stack}`)).toEqual([]);
    expect(result.refused).toBeGreaterThan(30);
    expect(result.refused).toBeLessThan(result.inputs);
  }, 120_000);

  for (const { file, data } of readRegressions(LOAD_REGRESSIONS_DIR)) {
    it(`regression ${file} (was ${data.was})`, async () => {
      const seed = seeds.find((s) => s.name === data.seed)!;
      expect(seed).toBeDefined();
      await loadObjectTarget.run(applyMutation(seed.bytes, data.mutation), seed).catch((error: unknown) => {
        if (!loadObjectTarget.expected(error)) throw error;
      });
    });
  }
});
