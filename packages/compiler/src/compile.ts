/**
 * The compiler driver: front end, then per probe class and per program lowering, optimisation,
 * code generation, and finally the object spec and its ELF bytes. Nothing escapes as an
 * exception: every problem is a diagnostic.
 */
import { ObjectSpecError, writeElf } from "@tsbpf/object";
import { readFileSync } from "node:fs";
import { relative, resolve } from "node:path";
import { ts } from "ts-morph";
import { kindSize } from "./checker/kinds.js";
import { TypeResolver } from "./checker/resolve-type.js";
import { generate } from "./codegen/generate.js";
import { SelectionError } from "./codegen/select.js";
import { Codes } from "./diagnostics/codes.js";
import { DiagnosticBag, makeDiagnostic, type Diagnostic } from "./diagnostics/diagnostic.js";
import { buildObjectSpec, type CompiledProgram } from "./emit/object-spec.js";
import { findProbeClasses, readProbe } from "./frontend/probe-class.js";
import type { ProbeModel } from "./frontend/probe-model.js";
import { inputsOf, loadSource, tscDiagnostics } from "./frontend/project.js";
import type { LegacyDecoratorsSetting } from "./frontend/tsconfig.js";
import { beginProbe } from "./core/local-btf.js";
import { spanOf } from "./frontend/span.js";
import { usesBeforeAssignment } from "./frontend/definite-assignment.js";
import { flowLimitDiagnostic, flowLimitWarning, usedBeforeAssignedError } from "./frontend/flow-limit.js";
import { checkWithoutNarrowing, largeFunctions } from "./frontend/narrowing-free.js";
import { checkSleepableMaps } from "./frontend/sleepable-maps.js";
import { TsOracle } from "./frontend/ts-oracle.js";
import { lowerProgramFunctions, type ProbeServices } from "./lower/lower-program.js";
import { functionAnchor } from "./lower/subprograms.js";
import { linkFunctions, type LinkedFunction } from "./codegen/link.js";
import { RodataPool } from "./lower/rodata.js";
import { inlineCalls, reachable, references } from "./passes/inline.js";
import { optimize } from "./passes/pipeline.js";
import type { ObjectSpec } from "@tsbpf/object";

export interface CompileOptions {
  /** line_info file names are relative to this directory (default: the working directory). */
  sourceRoot?: string;
}

export interface CompiledProbe {
  className: string;
  spec: ObjectSpec;
  elf: Uint8Array;
}

export interface CompileResult {
  /** Empty when any diagnostic is an error. */
  probes: CompiledProbe[];
  diagnostics: Diagnostic[];
  /**
   * Every file the compilation read (absolute paths): the probe, its local imports, declarations
   * outside TypeScript's lib, the tsconfig chain. What a cache of objects keys on.
   */
  inputs: string[];
}

export function compileFile(path: string, options: CompileOptions = {}): CompileResult {
  const file = resolve(path);
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    return {
      probes: [],
      diagnostics: [{ code: Codes.Internal, category: "error", message: `cannot read ${file}: ${(error as Error).message}`, file, line: 1, column: 1, length: 1 }],
      inputs: [file],
    };
  }
  return compileSource(file, text, options);
}

export function compileSource(fileName: string, text: string, options: CompileOptions = {}): CompileResult {
  const file = resolve(fileName);
  const diagnostics = new DiagnosticBag();
  const probes: CompiledProbe[] = [];
  let tscErrors = false;
  let inputs = [file];
  try {
    const loaded = loadSource(file, text);
    inputs = inputsOf(loaded);
    if (loaded.settings.legacyDecorators) diagnostics.push(legacyDecorators(loaded.settings.legacyDecorators));
    // Functions past tsc's control-flow limit: checked without narrowing where it changes nothing.
    // Long functions: without the walks whose answer is known (tsc's quadratic part, same diagnostics).
    const large = largeFunctions(loaded.sourceFile);
    for (const deep of large.deep) {
      checkWithoutNarrowing(deep.node, loaded.checker, "deep");
      diagnostics.push(flowLimitWarning(deep, loaded.sourceFile));
      // What tsc no longer reports there (TS2454), reported by tsbpf's own pass.
      for (const found of usesBeforeAssignment(deep.node, loaded.checker)) {
        diagnostics.push(usedBeforeAssignedError(found, deep, loaded.sourceFile));
        tscErrors = true;
      }
    }
    for (const long of large.long) checkWithoutNarrowing(long, loaded.checker, "same");
    let flowLimit = false;
    for (const d of tscDiagnostics(loaded)) {
      const limit = flowLimitDiagnostic(d, loaded.sourceFile);
      const converted = limit ?? fromTsc(d, file, text);
      if (!converted) continue;
      if (converted.category === "error") tscErrors = true;
      if (limit) flowLimit = true;
      diagnostics.push(converted);
    }
    // Past tsc's flow limit its types are "error" in the function: nothing more to say truthfully.
    if (flowLimit) return { probes: [], diagnostics: [...diagnostics.items], inputs };
    const oracle = new TsOracle(loaded.checker);
    const resolver = new TypeResolver(oracle);
    const front = { oracle, resolver, diagnostics };
    const sourceRoot = resolve(options.sourceRoot ?? process.cwd());
    const lineFile = relative(sourceRoot, file).split("\\").join("/");
    for (const node of findProbeClasses(loaded.sourceFile, front)) {
      const model = readProbe(node, front);
      checkSleepableMaps(model, diagnostics);
      const compiled = compileProbe(model, { ...front, rodata: rodataFor(model), helperSignatures: new Map() }, { fileName: lineFile, text });
      if (compiled) probes.push(compiled);
    }
  } catch (error) {
    // An internal failure is a bug; when tsc already rejected the file it is most likely a
    // consequence of that, and tsc's diagnostics say what to fix.
    if (!tscErrors) {
      diagnostics.push({
        code: Codes.Internal,
        category: "error",
        message: `internal compiler error: ${(error as Error).stack ?? String(error)}`,
        file,
        line: 1,
        column: 1,
        length: 1,
        hint: "this is a bug in tsbpf; please report it with the probe's source",
      });
    }
  }
  // In source order, as tsc reports them (the sort is stable: same-position diagnostics keep their order).
  const sorted = [...diagnostics.items].sort((a, b) => (a.file === b.file ? a.line - b.line || a.column - b.column : a.file < b.file ? -1 : 1));
  return { probes: diagnostics.hasErrors ? [] : probes, diagnostics: sorted, inputs };
}

/** The tsconfig asks for legacy decorators, which call the DSL's decorators with other arguments. */
function legacyDecorators(setting: LegacyDecoratorsSetting): Diagnostic {
  return makeDiagnostic(Codes.LegacyDecorators, "error", setting,
    `"experimentalDecorators" is on, but tsbpf's decorators are standard (TC39) decorators: with legacy ones a probe class does not load`,
    `set "experimentalDecorators": false for the probe files: in a tsconfig.json beside them that extends this one ` +
      `({ "extends": "<path to this file>", "compilerOptions": { "experimentalDecorators": false } }), or in this file if nothing else needs it`);
}

function rodataFor(model: ProbeModel): RodataPool {
  const end = Math.max(0, ...model.globals.filter((g) => g.section === ".rodata").map((g) => g.offset + kindSize(g.kind)));
  return new RodataPool(end);
}

function compileProbe(model: ProbeModel, services: ProbeServices, source: { fileName: string; text: string }): CompiledProbe | undefined {
  beginProbe();
  const { diagnostics } = services;
  const before = diagnostics.items.length;
  const programs: CompiledProgram[] = [];
  for (const program of model.programs) {
    const errorsBefore = diagnostics.items.filter((d) => d.category === "error").length;
    const lowered = lowerProgramFunctions(model, program, services);
    if (diagnostics.items.filter((d) => d.category === "error").length > errorsBefore) continue;
    const all = [
      { fn: lowered.entry, at: program.node.name as ts.Node, what: `the program '${program.name}'`, sub: undefined },
      ...lowered.subprograms.map(({ sub, fn }) => ({ fn, at: functionAnchor(sub.node), what: `the function '${sub.name}'`, sub })),
    ];
    // Subprograms first, so that inlining copies optimised bodies; the ones no longer called go.
    for (const f of all.slice(1)) optimize(f.fn);
    const byName = new Map(all.map((f) => [f.fn.name, f.fn]));
    const refs = references(all.map((f) => f.fn));
    // `@noinline` JSDoc (C's __noinline) and `@globalFunction` methods (their own BTF function, for freplace) stay calls.
    const isGlobal = (node: ts.Node) => ts.isMethodDeclaration(node) && (model.globalFunctions?.has(node) ?? false);
    const keep = new Set(all.filter((f) => f.sub && (ts.getJSDocTags(f.sub.node).some((t) => t.tagName.text === "noinline") || isGlobal(f.sub.node))).map((f) => f.fn.name));
    for (const f of all) if (inlineCalls(f.fn, byName, refs, keep) || f.sub === undefined) optimize(f.fn);
    const kept = reachable(lowered.entry, byName);
    const functions = all.filter((f) => kept.has(f.fn));
    const subprograms = lowered.subprograms.filter(({ fn }) => kept.has(fn));
    try {
      const linked: LinkedFunction[] = [];
      for (const f of functions) {
        const result = generate(f.fn);
        if (!result.ok) {
          const parts = result.objects.map((o) => o.name);
          if (result.spillBytes > 0) parts.push(`spilled registers (${result.spillBytes} bytes)`);
          diagnostics.error(Codes.StackOverflow, spanOf(f.at),
            `${f.what} needs ${result.stackSize} bytes of stack; BPF allows 512`,
            `on the stack: ${parts.join(", ")}. Keep large structs in a map value (lookup a per-CPU scratch entry) instead of locals`);
          continue;
        }
        linked.push({ name: f.fn.name, code: result.code });
      }
      if (linked.length !== functions.length) continue;
      const { code, starts } = linkFunctions(linked);
      programs.push({ model: program, code, subprograms: subprograms.map(({ sub }, i) => ({ sub, instruction: starts[i + 1]!.instruction })) });
    } catch (error) {
      if (!(error instanceof SelectionError)) throw error;
      diagnostics.error(Codes.ProgramTooLarge, spanOf(program.node.name), error.message);
    }
  }
  if (diagnostics.items.slice(before).some((d) => d.category === "error")) return undefined;
  const spec = buildObjectSpec(model, programs, services.rodata, source);
  try {
    return { className: model.className, spec, elf: writeElf(spec) };
  } catch (error) {
    if (!(error instanceof ObjectSpecError)) throw error;
    diagnostics.error(Codes.Internal, spanOf(model.node.name ?? model.node), `the object cannot be written: ${error.message}`);
    return undefined;
  }
}

function fromTsc(d: ts.Diagnostic, file: string, text: string): Diagnostic | undefined {
  if (d.category !== ts.DiagnosticCategory.Error && d.category !== ts.DiagnosticCategory.Warning) return undefined;
  const message = ts.flattenDiagnosticMessageText(d.messageText, "\n");
  const start = d.start ?? 0;
  const span = { file: d.file?.fileName ?? file, text: d.file?.text ?? text, start, end: start + (d.length ?? 1) };
  const diagnostic = makeDiagnostic(d.code, d.category === ts.DiagnosticCategory.Error ? "error" : "warning", span, message);
  diagnostic.source = "tsc";
  return diagnostic;
}
