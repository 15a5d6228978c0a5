#!/usr/bin/env node
// The parsers' unbounded fuzz campaign: the ELF reader, the BTF decoder (base and split) with the
// query layer, LazyBtf, .BTF.ext and the instruction decoder (packages/object/src/fuzz), and the
// runtime's loadObject on the real kernel (packages/runtime/src/fuzz, as root), round after round
// with fresh seeds until Ctrl-C (or --rounds N). Each finding is minimised to the fewest byte
// edits that reproduce it and written as a regression case to packages/*/src/fuzz/regressions/.
//
//   node scripts/fuzz-parsers.mjs [--seed N] [--rounds N] [--inputs N] [--target NAME] [--no-load]
//
// `npm run fuzz` starts it beside the compiler's differential fuzzing (scripts/fuzz.mjs).
import { register } from "tsx/esm/api";
import { parseArgs } from "node:util";
import { fork } from "node:child_process";
import { fileURLToPath } from "node:url";

/** Runs this script in a child process (its own CPU loop), ended when the parent exits. */
export function startParserFuzz(args = []) {
  const child = fork(fileURLToPath(import.meta.url), args, { stdio: "inherit" });
  process.once("exit", () => child.kill());
  return child;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  register();
  const { values } = parseArgs({
    options: {
      seed: { type: "string" },
      rounds: { type: "string" },
      inputs: { type: "string", default: "2000" },
      target: { type: "string" },
      "no-load": { type: "boolean", default: false },
    },
  });
  const { fuzzTargets } = await import("../packages/object/src/fuzz/targets.ts");
  const { runCampaign } = await import("../packages/object/src/fuzz/campaign.ts");
  const { loadCorpus, REGRESSIONS_DIR } = await import("../packages/object/src/fuzz/corpus.ts");
  const { writeRegression } = await import("../packages/object/src/fuzz/regression.ts");
  const corpus = loadCorpus();
  const targets = fuzzTargets.map((t) => ({ target: t, seeds: t.seeds(corpus), dir: REGRESSIONS_DIR }));
  if (!values["no-load"] && process.getuid?.() === 0) {
    const { loadObjectTarget, LOAD_REGRESSIONS_DIR } = await import("../packages/runtime/src/fuzz/load-target.ts");
    targets.push({ target: loadObjectTarget, seeds: loadObjectTarget.seeds(corpus), dir: LOAD_REGRESSIONS_DIR });
  }
  const chosen = targets.filter((t) => values.target === undefined || t.target.name === values.target);
  let stop = false;
  process.once("SIGINT", () => (stop = true));
  let seed = values.seed === undefined ? Date.now() % 1_000_000_000 : Number(values.seed);
  const rounds = values.rounds === undefined ? Infinity : Number(values.rounds);
  const inputs = Number(values.inputs);
  const totals = new Map();
  for (let round = 0; round < rounds && !stop; round++, seed++) {
    for (const { target, seeds, dir } of chosen) {
      if (stop) break;
      const perTarget = target.name === "loadObject" ? Math.max(1, Math.floor(inputs / 10)) : inputs;
      const started = performance.now();
      const result = await runCampaign(target, seeds, {
        seed,
        inputs: perTarget,
        onFinding: (f) => console.log(`[${target.name}] finding, seed ${seed}: ${f.error}\n  written to ${writeRegression(dir, f)}`),
      });
      const total = totals.get(target.name) ?? { inputs: 0, refused: 0, findings: 0 };
      total.inputs += result.inputs;
      total.refused += result.refused;
      total.findings += result.findings.length;
      totals.set(target.name, total);
      console.log(`[${target.name}] round ${round} seed ${seed}: ${result.inputs} inputs, ${result.refused} refused, ${result.findings.length} findings (${((performance.now() - started) / 1000).toFixed(1)} s); total ${total.inputs} inputs, ${total.findings} findings`);
    }
  }
}
