/**
 * Differential testing of random programs: batches of generated programs compiled into one object,
 * run in the kernel and in the reference evaluator. A batch that does not compile or load is
 * bisected down to the programs at fault; every failing program comes back alone, with its inputs,
 * ready for the minimiser.
 */
import { BatchError, runBatch, type Batch, type BatchProgram, type KernelLoader, type Mismatch } from "../harness.js";
import { Evaluator } from "../evaluator/interpreter.js";
import { IMPORTS, inputsFor, ioDeclaration } from "../io.js";
import { Rng } from "../random.js";
import { defaultOptions, ProgramGenerator, RANDOM_DECLARATIONS, RANDOM_FIELDS, type GenOptions } from "./generator.js";
import { render, type Node } from "./tree.js";

export const RANDOM_PREAMBLE = [IMPORTS, ioDeclaration(), RANDOM_DECLARATIONS].join("\n");

export interface RandomProgram extends BatchProgram {
  tree: Node;
  seed: number;
}

export interface Failure {
  kind: "mismatch" | "compile" | "load";
  program: RandomProgram;
  inputs: readonly Uint8Array[];
  message: string;
  mismatches: Mismatch[];
}

/** `count` programs from `seed` (program i from seed + i, so each is reproducible alone). */
export function randomPrograms(seed: number, count: number, options: GenOptions = defaultOptions): RandomProgram[] {
  return Array.from({ length: count }, (_, i) => {
    const s = seed + i;
    const generator = new ProgramGenerator(new Rng(s), options, `f${s}`);
    const functions = generator.makeFunctions().map((f) => render(f.tree)).join("\n\n");
    const tree = generator.program();
    return { name: `p${s}`, body: render(tree), tree, seed: s, declarations: functions };
  });
}

export function randomInputs(seed: number, count = 3): Uint8Array[] {
  const io = new Evaluator(RANDOM_PREAMBLE).types.named("Io");
  return inputsFor(io, new Rng(seed ^ 0x5eed), count);
}

export function randomBatch(programs: readonly BatchProgram[], inputs: readonly Uint8Array[], tag: string): Batch {
  return { className: `Random_${tag}`, preamble: RANDOM_PREAMBLE, fields: RANDOM_FIELDS, programs, inputs };
}

/**
 * Runs programs as one batch; when the batch as a whole does not compile or load, halves it until
 * the programs at fault stand alone. Returns the failures, each for one program.
 */
export async function runPrograms(programs: RandomProgram[], inputs: readonly Uint8Array[], load: KernelLoader, fileName: string): Promise<{ failures: Failure[]; runs: number }> {
  try {
    const outcome = await runBatch(randomBatch(programs, inputs, `${programs[0]?.seed ?? 0}_${programs.length}`), load, fileName);
    const failures: Failure[] = [];
    for (const program of programs) {
      const mine = outcome.mismatches.filter((m) => m.program === program.name);
      if (mine.length) failures.push({ kind: "mismatch", program, inputs, message: mine[0]!.what, mismatches: mine });
    }
    return { failures, runs: outcome.runs };
  } catch (error) {
    if (!(error instanceof BatchError)) throw error;
    if (programs.length === 1) {
      const kind = error.message.includes("does not compile") ? "compile" : "load";
      return { failures: [{ kind, program: programs[0]!, inputs, message: error.message, mismatches: [] }], runs: 0 };
    }
    const half = Math.ceil(programs.length / 2);
    const a = await runPrograms(programs.slice(0, half), inputs, load, fileName);
    const b = await runPrograms(programs.slice(half), inputs, load, fileName);
    return { failures: [...a.failures, ...b.failures], runs: a.runs + b.runs };
  }
}

/**
 * What identifies a failure while minimising: its kind and, for compile and load failures, the
 * first error's code and message without its location (so that a candidate which fails for
 * another reason, e.g. an undeclared name, does not count).
 */
export function signature(f: Pick<Failure, "kind" | "message">): string {
  if (f.kind === "mismatch") return "mismatch";
  const first = f.message.split("\n").find((l) => /error (TSBPF|TS)\d+|invalid|R\d|verifier|EACCES|EINVAL/.test(l)) ?? f.message.split("\n")[0]!;
  return `${f.kind}: ${first.replace(/^.*?- error /, "").replace(/\d+/g, "#")}`;
}

/** Whether a single program (a tree) still fails the same way: the minimiser's predicate. */
export async function failsLike(expected: string, tree: Node, declarations: string | undefined, inputs: readonly Uint8Array[], load: KernelLoader, fileName: string): Promise<boolean> {
  const program: RandomProgram = { name: "p", body: render(tree), tree, seed: 0, declarations };
  try {
    const { failures } = await runPrograms([program], inputs, load, fileName);
    return failures.some((f) => signature(f) === expected);
  } catch {
    return false;
  }
}
