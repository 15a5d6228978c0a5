import { readFileSync } from "node:fs";
import { it } from "vitest";
import { fixturePath } from "../testing/probes.js";
import { Evaluator } from "./evaluator/interpreter.js";
import { RANDOM_PREAMBLE, runPrograms, type RandomProgram } from "./fuzz/campaign.js";
import { inputFromHex } from "./fuzz/regression-file.js";
import { leaf } from "./fuzz/tree.js";
import { formatMismatches } from "./harness.js";
import { loadInKernel } from "./kernel.test-support.js";

const io = new Evaluator(RANDOM_PREAMBLE).types.named("Io");
const size = io.tag === "struct" ? io.size : 0;
it("debug", async () => {
  const c = JSON.parse(readFileSync(process.env.CASE!, "utf8"));
  const program: RandomProgram = { name: "regression", body: c.body, tree: leaf("stmt", c.body), seed: 0, declarations: c.declarations };
  const inputs = c.inputs.map((h: string) => inputFromHex(h, size));
  const { failures } = await runPrograms([program], inputs, loadInKernel, fixturePath(`regression-debug.bpf.ts`));
  console.log("RESULT:", failures.map((f) => (f.kind === "mismatch" ? formatMismatches(f.mismatches) : f.message)).join("\n") || "OK");
}, 120_000);
