/**
 * The campaign loop behind scripts/fuzz.mjs: batches of random programs from consecutive seeds;
 * each failure is minimised and saved as a regression case. It is built into dist (the compiler
 * run from its JavaScript, not through a TypeScript loader, compiles 1.6 times as fast) and gets
 * what it needs outside the compiler package from its caller: the kernel loader (the runtime),
 * the probe file name (in a folder where "tsbpf" resolves) and where regression cases go.
 */
import { formatMismatches, type KernelLoader } from "../harness.js";
import { failsLike, randomInputs, randomPrograms, runPrograms, signature, type Failure } from "./campaign.js";
import { minimize } from "./minimize.js";
import { writeRegression } from "./regression-file.js";
import { render } from "./tree.js";

export interface FuzzOptions {
  seed: number;
  batches: number;
  perBatch: number;
  minimize: boolean;
  signal: AbortSignal;
  log(line: string): void;
  /** Loads an object in the kernel (scripts/fuzz.mjs builds it on the runtime's loadObject). */
  load: KernelLoader;
  /** The batches' probe file name (never written), where "tsbpf" resolves. */
  fileName: string;
  /** Where regression cases are written (the source tree's conformance/regressions/). */
  regressionDir?: string;
  /** With several jobs (processes) on one campaign: this one runs batches job, job + jobs, ... */
  job?: { index: number; count: number };
}

/** A campaign's figures, for docs/status.md. */
export interface FuzzFigures {
  programs: number;
  runs: number;
  failures: number;
  seconds: number;
}

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex").replace(/(00)+$/, "") || "00";

async function save(f: Failure, options: FuzzOptions, fileName: string): Promise<string> {
  let tree = f.program.tree;
  if (options.minimize) {
    options.log(`  minimising program ${f.program.seed} (${f.kind})...`);
    const expected = signature(f);
    tree = await minimize(tree, (t) => failsLike(expected, t, f.program.declarations, f.inputs, options.load, fileName));
  }
  const found = (f.kind === "mismatch" ? formatMismatches(f.mismatches, 1) : f.message).split("\n").slice(0, 3).join(" ").slice(0, 300);
  return writeRegression({
    id: `seed-${f.program.seed}`,
    kind: f.kind,
    found,
    status: "open",
    body: render(tree),
    declarations: f.program.declarations ?? "",
    inputs: f.inputs.map(hex),
  }, options.regressionDir);
}

export async function runFuzz(options: FuzzOptions): Promise<FuzzFigures> {
  const fileName = options.fileName;
  const job = options.job ?? { index: 0, count: 1 };
  let programs = 0;
  let runs = 0;
  let failures = 0;
  const started = Date.now();
  for (let b = job.index; b < options.batches; b += job.count) {
    // A batch runs without giving the event loop a turn (compiling and evaluating are synchronous),
    // so a signal's handler runs only here: yield once, then look.
    await new Promise((resolve) => setImmediate(resolve));
    if (options.signal.aborted) break;
    const seed = options.seed + b * options.perBatch;
    const list = randomPrograms(seed, options.perBatch);
    const inputs = randomInputs(seed);
    const outcome = await runPrograms(list, inputs, options.load, fileName);
    programs += list.length;
    runs += outcome.runs;
    for (const f of outcome.failures) {
      failures++;
      const path = await save(f, options, fileName);
      options.log(`FAIL seed ${f.program.seed} (${f.kind}) -> ${path}`);
    }
    const rate = (programs / ((Date.now() - started) / 1000)).toFixed(1);
    options.log(`batch ${b} (seeds ${seed}..${seed + options.perBatch - 1}): ${programs} programs, ${failures} failures, ${rate} programs/s`);
  }
  // The campaign's figures, for docs/status.md: programs compiled and loaded, kernel runs (a
  // program on one input, compared with the evaluator), failures.
  const seconds = (Date.now() - started) / 1000;
  options.log(`done: ${programs} programs from seed ${options.seed}, ${runs} kernel runs against the evaluator, ${failures} failures, ${seconds.toFixed(0)} s`);
  return { programs, runs, failures, seconds };
}
