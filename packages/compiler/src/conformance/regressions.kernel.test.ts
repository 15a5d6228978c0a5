// Regression cases the fuzzer found (regressions/*.json, written minimised by scripts/fuzz.mjs):
// each compiled alone, run in the kernel and compared with the reference evaluator. A case whose
// bug is still open is `it.fails` (so the suite stays green and turns red the day it is fixed,
// to have its status set to "fixed"); a fixed one must pass.
import { expect, it } from "vitest";
import { describeKernel } from "../testing/kernel.js";
import { fixturePath } from "../testing/probes.js";
import { Evaluator } from "./evaluator/interpreter.js";
import { RANDOM_PREAMBLE, runPrograms, type RandomProgram } from "./fuzz/campaign.js";
import { inputFromHex, readRegressions } from "./fuzz/regression-file.js";
import { leaf } from "./fuzz/tree.js";
import { formatMismatches } from "./harness.js";
import { loadInKernel } from "./kernel.test-support.js";

const io = new Evaluator(RANDOM_PREAMBLE).types.named("Io");
const size = io.tag === "struct" ? io.size : 0;

describeKernel("fuzzer regressions", () => {
  for (const c of readRegressions()) {
    const test = c.status === "open" ? it.fails : it;
    test(`${c.id} (${c.kind}${c.status === "open" ? ", open" : ""})`, async () => {
      const program: RandomProgram = { name: "regression", body: c.body, tree: leaf("stmt", c.body), seed: 0, declarations: c.declarations };
      const inputs = c.inputs.map((h) => inputFromHex(h, size));
      const { failures } = await runPrograms([program], inputs, loadInKernel, fixturePath(`regression-${c.id}.bpf.ts`));
      expect(failures.map((f) => (f.kind === "mismatch" ? formatMismatches(f.mismatches) : f.message)).join("\n")).toBe("");
    }, 60_000);
  }
});
