#!/usr/bin/env node
// The unbounded differential-testing campaign: random tsbpf programs compiled, run in the kernel
// (BPF_PROG_TEST_RUN, Linux 5.14, as root) and compared with the reference evaluator, batch after
// batch until Ctrl-C (or --batches N). Every failing program is minimised and written as a
// regression case to packages/compiler/src/conformance/regressions/<id>.json.
//
//   npm run fuzz -- [--seed N] [--batches N] [--per-batch N] [--no-minimize]
//
// Needs `npm run build` first (the runtime and object packages load from dist).
import { register } from "tsx/esm/api";
import { parseArgs } from "node:util";

register();
const { values } = parseArgs({
  options: {
    seed: { type: "string" },
    batches: { type: "string" },
    "per-batch": { type: "string", default: "100" },
    "no-minimize": { type: "boolean", default: false },
  },
});
const { runFuzz } = await import("../packages/compiler/src/conformance/fuzz/fuzz-main.ts");
(await import("./fuzz-parsers.mjs")).startParserFuzz(values.seed === undefined ? [] : ["--seed", values.seed]); // the parsers' campaign, in a child
const stop = new AbortController();
// SIGTERM too: a campaign started in the background (`nohup … &`) ignores SIGINT.
process.once("SIGINT", () => stop.abort());
process.once("SIGTERM", () => stop.abort());
process.exitCode = await runFuzz({
  seed: values.seed === undefined ? (Date.now() % 1_000_000_000) : Number(values.seed),
  batches: values.batches === undefined ? Infinity : Number(values.batches),
  perBatch: Number(values["per-batch"]),
  minimize: !values["no-minimize"],
  signal: stop.signal,
  log: (line) => process.stdout.write(line + "\n"),
});
