/**
 * Test support: probe sources compiled from strings (as files of the compiler's fixture folder,
 * so that "tsbpf" resolves from node_modules), and the IR of their programs.
 */
import { fileURLToPath } from "node:url";
import { join } from "node:path";
import { TypeResolver } from "../checker/resolve-type.js";
import { compileSource, type CompiledProbe, type CompileResult } from "../compile.js";
import { DiagnosticBag } from "../diagnostics/diagnostic.js";
import { formatDiagnostic } from "../diagnostics/format.js";
import { findProbeClasses, readProbe } from "../frontend/probe-class.js";
import { loadSource } from "../frontend/project.js";
import { TsOracle } from "../frontend/ts-oracle.js";
import type { IrFunction } from "../ir/ir.js";
import { printFunction } from "../ir/print.js";
import { lowerProgram } from "../lower/lower-program.js";
import { RodataPool } from "../lower/rodata.js";
import { optimize } from "../passes/pipeline.js";

export const fixtureDir = fileURLToPath(new URL("../__fixtures__/", import.meta.url));

/** A path in the fixture folder (the file need not exist). */
export function fixturePath(name: string): string {
  return join(fixtureDir, name);
}

export const IMPORTS =
  'import { Probe, tracepoint, config, bpf, HashMap, RingBuf, u8, i8, u16, i16, u32, i32, u64, i64, ' +
  'zero, userPtr, type UserPtr, type bool, type CharArray, type FixedArray, type Ptr, type SysEnterContext, type SysExitContext } from "tsbpf";';

/**
 * A probe file: the DSL imports, `preamble` (interfaces, constants), then a class `T` holding
 * `fields` and one tracepoint program `run(ctx)` whose body is `body`.
 */
export function probeSource(body: string, options: { fields?: string; preamble?: string; returns?: string } = {}): string {
  return [
    IMPORTS,
    options.preamble ?? "",
    "export class T extends Probe {",
    options.fields ?? "",
    '  @tracepoint("syscalls", "sys_enter_write")',
    `  run(ctx: SysEnterContext): ${options.returns ?? "i32"} {`,
    body,
    "  }",
    "}",
    "",
  ].join("\n");
}

let counter = 0;

/** Compiles a source text as a fresh fixture file. */
export function compileText(text: string, name = `case-${process.pid}-${counter++}.bpf.ts`): CompileResult {
  return compileSource(fixturePath(name), text, { sourceRoot: fixtureDir });
}

/** The first probe class of a source text, compiled; a compile error throws with its formatted diagnostics. */
export function compiledProbe(text: string): CompiledProbe {
  const result = compileText(text);
  const errors = result.diagnostics.filter((d) => d.category === "error");
  if (errors.length > 0 || !result.probes[0]) throw new Error(errors.map((d) => formatDiagnostic(d, text)).join("\n\n") || "no probe class compiled");
  return result.probes[0];
}

/** The IR of every program of every probe class in the text (optimised unless `raw`). */
export function irOf(text: string, options: { raw?: boolean } = {}): { functions: IrFunction[]; printed: string; diagnostics: DiagnosticBag } {
  const loaded = loadSource(fixturePath(`ir-${process.pid}-${counter++}.bpf.ts`), text);
  const oracle = new TsOracle(loaded.checker);
  const resolver = new TypeResolver(oracle);
  const diagnostics = new DiagnosticBag();
  const functions: IrFunction[] = [];
  for (const node of findProbeClasses(loaded.sourceFile, { oracle, resolver, diagnostics })) {
    const model = readProbe(node, { oracle, resolver, diagnostics });
    const services = { oracle, resolver, diagnostics, rodata: new RodataPool(64), helperSignatures: new Map() };
    for (const program of model.programs) {
      const fn = lowerProgram(model, program, services);
      if (!options.raw) optimize(fn);
      functions.push(fn);
    }
  }
  return { functions, printed: functions.map(printFunction).join("\n\n"), diagnostics };
}
