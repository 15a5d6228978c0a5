/**
 * Runs batches of programs in the kernel and in the reference evaluator and compares them. A batch
 * is one probe class (one object, one compilation, one load) holding many `@syscall` programs
 * that compute into an `Io` context; each program runs on every input of the batch, and the
 * kernel's return value and context bytes must equal the evaluator's.
 *
 * The kernel side comes in through `KernelLoader` so that this module needs no runtime: the tests
 * and scripts/fuzz.mjs pass one built on `loadObject`.
 */
import { compileSource } from "../compile.js";
import { formatDiagnostic } from "../diagnostics/format.js";
import { readInt } from "./evaluator/memory.js";
import { Evaluator, type ProbeState } from "./evaluator/interpreter.js";
import type { EType } from "./evaluator/types.js";

export interface KernelObject {
  /** BPF_PROG_TEST_RUN of one program with a context; the context as the program left it. */
  run(program: string, ctx: Uint8Array): { retval: number; ctx: Uint8Array };
  close(): void;
}
export type KernelLoader = (elf: Uint8Array) => Promise<KernelObject>;

export interface BatchProgram {
  /** The method's name. */
  name: string;
  /** The method's body (statements). */
  body: string;
  /** What result slot rN holds, for messages (e.g. the expression). */
  labels?: readonly string[];
  /** Module-level declarations the program needs (functions it calls). */
  declarations?: string;
}

export interface Batch {
  className: string;
  /** Imports, the Io declaration, functions and types the programs use. */
  preamble: string;
  /** Class fields (maps, globals). */
  fields?: string;
  programs: readonly BatchProgram[];
  inputs: readonly Uint8Array[];
  /** The context struct's name (default Io). */
  io?: string;
}

export interface Mismatch {
  program: string;
  /** The input context, hex. */
  input: string;
  /** What differed: "retval", a field name with its label, or the error. */
  what: string;
  kernel: string;
  expected: string;
}

export class BatchError extends Error {
  constructor(message: string, readonly source: string) {
    super(message);
    this.name = "BatchError";
  }
}

/** The probe file of a batch: one class, one `@syscall` method per program. */
export function batchSource(batch: Batch): string {
  const io = batch.io ?? "Io";
  const methods = batch.programs.map((p) => `  @syscall\n  ${p.name}(ctx: ${io}): i32 {\n${p.body}\n  }`);
  const declarations = batch.programs.map((p) => p.declarations ?? "").filter(Boolean).join("\n\n");
  return `${batch.preamble}\n${declarations}\n\nexport class ${batch.className} extends Probe {\n${batch.fields ?? ""}\n${methods.join("\n\n")}\n}\n`;
}

/** Compiles a batch; compile errors throw with every diagnostic and its code frame. */
export function compileBatch(source: string, fileName: string): Uint8Array {
  const result = compileSource(fileName, source);
  const errors = result.diagnostics.filter((d) => d.category === "error");
  if (errors.length > 0 || result.probes.length !== 1) {
    throw new BatchError(`the batch does not compile:\n${errors.slice(0, 8).map((d) => formatDiagnostic(d, source)).join("\n\n")}`, source);
  }
  return result.probes[0]!.elf;
}

/** Bytes as hex, trailing zero bytes left out (result slots start zero). */
const hex = (b: Uint8Array) => Buffer.from(b).toString("hex").replace(/(00)+$/, "") || "00";

function describeDiff(io: EType, kernel: Uint8Array, expected: Uint8Array, labels: readonly string[] | undefined): { what: string; kernel: string; expected: string }[] {
  if (io.tag !== "struct") return [{ what: "ctx", kernel: hex(kernel), expected: hex(expected) }];
  const out: { what: string; kernel: string; expected: string }[] = [];
  for (const f of io.fields) {
    if (f.type.tag !== "int") continue;
    const k = readInt(kernel, f.offset, f.type.kind).v;
    const e = readInt(expected, f.offset, f.type.kind).v;
    if (k === e) continue;
    const slot = /^r(\d+)$/.exec(f.name);
    const label = slot && labels?.[Number(slot[1])];
    out.push({ what: label ? `${f.name} = ${label}` : f.name, kernel: `${k}`, expected: `${e}` });
  }
  if (out.length === 0 && hex(kernel) !== hex(expected)) out.push({ what: "ctx padding", kernel: hex(kernel), expected: hex(expected) });
  return out;
}

export interface BatchOutcome {
  mismatches: Mismatch[];
  /** Program runs compared (programs × inputs). */
  runs: number;
  source: string;
}

/**
 * Compiles, loads and runs a batch; the evaluator runs the same source. Each program has its own
 * evaluator state as each has the kernel's (maps are shared by the object, as are the states here).
 */
export async function runBatch(batch: Batch, load: KernelLoader, fileName: string): Promise<BatchOutcome> {
  const source = batchSource(batch);
  const elf = compileBatch(source, fileName);
  let object: KernelObject;
  try {
    object = await load(elf);
  } catch (error) {
    throw new BatchError(`the batch does not load: ${(error as Error).message}`, source);
  }
  const evaluator = new Evaluator(source, fileName);
  const io = evaluator.types.named(batch.io ?? "Io");
  const state: ProbeState = evaluator.newState(batch.className);
  const mismatches: Mismatch[] = [];
  let runs = 0;
  try {
    for (const program of batch.programs) {
      for (const input of batch.inputs) {
        runs++;
        const kernel = object.run(program.name, input);
        let expected: { retval: bigint; ctx: Uint8Array };
        try {
          const r = evaluator.run(batch.className, program.name, input, state);
          expected = { retval: BigInt.asUintN(32, r.retval.v), ctx: r.ctx };
        } catch (error) {
          mismatches.push({ program: program.name, input: hex(input), what: `evaluator: ${(error as Error).message}`, kernel: "", expected: "" });
          break;
        }
        const base = { program: program.name, input: hex(input) };
        if (BigInt(kernel.retval) !== expected.retval) mismatches.push({ ...base, what: "retval", kernel: `${kernel.retval}`, expected: `${expected.retval}` });
        for (const d of describeDiff(io, kernel.ctx, expected.ctx, program.labels)) mismatches.push({ ...base, ...d });
      }
    }
  } finally {
    object.close();
  }
  return { mismatches, runs, source };
}

/** A readable report of mismatches (at most `limit`). */
export function formatMismatches(mismatches: readonly Mismatch[], limit = 20): string {
  const lines = mismatches.slice(0, limit).map((m) => `${m.program}: ${m.what}: kernel ${m.kernel}, evaluator ${m.expected} (input ${m.input})`);
  if (mismatches.length > limit) lines.push(`... and ${mismatches.length - limit} more`);
  return lines.join("\n");
}
