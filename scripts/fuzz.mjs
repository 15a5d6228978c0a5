#!/usr/bin/env node
// The unbounded differential-testing campaign: random tsbpf programs compiled, run in the kernel
// (BPF_PROG_TEST_RUN, Linux 5.14, as root) and compared with the reference evaluator, batch after
// batch until Ctrl-C (or --batches N). Every failing program is minimised and written as a
// regression case to packages/compiler/src/conformance/regressions/<id>.json.
//
//   npm run fuzz -- [--seed N] [--batches N] [--per-batch N] [--jobs N] [--no-minimize] [--no-parsers]
//
// Runs the compiler, the generator and the evaluator from their built JavaScript (dist), which
// `npm run fuzz` builds first: through a TypeScript loader the compiler is 1.6 times slower.
// `--jobs N` runs N processes on the batches of one seed range (batch b in job b mod N), for
// machines with cores to spare; the figures at the end are theirs summed. `--no-parsers` leaves
// out the parsers' campaign (scripts/fuzz-parsers.mjs), which otherwise runs beside it in a child.
import { fork } from "node:child_process";
import { parseArgs } from "node:util";
import { fileURLToPath } from "node:url";

const { values } = parseArgs({
  options: {
    seed: { type: "string" },
    batches: { type: "string" },
    "per-batch": { type: "string", default: "200" },
    jobs: { type: "string", default: "1" },
    job: { type: "string" },
    "no-minimize": { type: "boolean", default: false },
    "no-parsers": { type: "boolean", default: false },
  },
});
const seed = values.seed === undefined ? (Date.now() % 1_000_000_000) : Number(values.seed);
const jobs = Number(values.jobs);
const stop = new AbortController();
// SIGTERM too: a campaign started in the background (`nohup … &`) ignores SIGINT.
process.once("SIGINT", () => stop.abort());
process.once("SIGTERM", () => stop.abort());

if (values.job === undefined && !values["no-parsers"]) {
  (await import("./fuzz-parsers.mjs")).startParserFuzz(values.seed === undefined ? [] : ["--seed", values.seed]);
}

if (values.job === undefined && jobs > 1) {
  // The parent: one child per job, each told its index; their figures summed at the end.
  const args = ["--per-batch", values["per-batch"], ...(values.batches === undefined ? [] : ["--batches", values.batches]), ...(values["no-minimize"] ? ["--no-minimize"] : [])];
  const children = Array.from({ length: jobs }, (_, index) =>
    fork(fileURLToPath(import.meta.url), [...args, "--seed", String(seed), "--jobs", String(jobs), "--job", String(index), "--no-parsers"], { stdio: ["inherit", "inherit", "inherit", "ipc"], execArgv: process.execArgv }));
  stop.signal.addEventListener("abort", () => children.forEach((c) => c.kill("SIGTERM")));
  const figures = await Promise.all(children.map((c) => new Promise((resolve) => {
    let last = { programs: 0, runs: 0, failures: 0, seconds: 0 };
    c.on("message", (m) => { last = m; });
    c.on("exit", () => resolve(last));
  })));
  const sum = (k) => figures.reduce((n, f) => n + f[k], 0);
  const seconds = Math.max(...figures.map((f) => f.seconds));
  console.log(`all ${jobs} jobs: ${sum("programs")} programs from seed ${seed}, ${sum("runs")} kernel runs against the evaluator, ${sum("failures")} failures, ${seconds.toFixed(0)} s, ${(sum("programs") / seconds).toFixed(1)} programs/s`);
  process.exit(sum("failures") > 0 ? 1 : 0);
}

const { runFuzz } = await import("../packages/compiler/dist/conformance/fuzz/fuzz-main.js");
const { loadObject } = await import("../packages/runtime/dist/index.js");

/** A batch's object in the kernel: its programs run with BPF_PROG_TEST_RUN on a context. */
async function load(elf) {
  const object = await loadObject(elf);
  return {
    run(name, ctx) {
      const program = object.programs.get(name);
      if (!program) throw new Error(`no program ${name} in the object`);
      const out = program.testRun({ ctx });
      return { retval: out.retval, ctx: out.ctxOut };
    },
    close: () => object.close(),
  };
}

const compilerSrc = fileURLToPath(new URL("../packages/compiler/src/", import.meta.url));
const job = values.job === undefined ? undefined : { index: Number(values.job), count: jobs };
const tag = job ? `[job ${job.index}] ` : "";
const figures = await runFuzz({
  seed,
  batches: values.batches === undefined ? Infinity : Number(values.batches),
  perBatch: Number(values["per-batch"]),
  minimize: !values["no-minimize"],
  signal: stop.signal,
  log: (line) => process.stdout.write(tag + line + "\n"),
  load,
  // In the compiler's fixture folder, so that "tsbpf" resolves (the file itself is never written).
  fileName: `${compilerSrc}__fixtures__/fuzz-${process.pid}.bpf.ts`,
  regressionDir: `${compilerSrc}conformance/regressions/`,
  job,
});
process.send?.(figures);
process.exitCode = figures.failures > 0 ? 1 : 0;
