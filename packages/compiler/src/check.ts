/**
 * Checking without writing: the compiler's diagnostics for a probe file, for editors (the tsserver
 * plugin and `tsbpf lsp`) and `tsbpf check`. It runs the whole pipeline, because some diagnostics
 * come only from its late stages (a stack over 512 bytes is known after register allocation), and
 * keeps nothing of the objects but the class names. Repeated checks of the same file reuse the
 * compiler's projects (frontend/project.ts): only the edited file is parsed and checked again.
 */
import { compileFile, compileSource, type CompileOptions, type CompileResult } from "./compile.js";
import type { Diagnostic } from "./diagnostics/diagnostic.js";

export interface CheckResult {
  /** Errors and warnings in source order: tsbpf's (no `source`) and tsc's on the file (`source: "tsc"`). */
  diagnostics: Diagnostic[];
  /** The probe classes that compiled (empty when any diagnostic is an error). */
  probeClasses: string[];
  /** Every file the check read, as in CompileResult. */
  inputs: string[];
}

function toCheck(result: CompileResult): CheckResult {
  return { diagnostics: result.diagnostics, probeClasses: result.probes.map((p) => p.className), inputs: result.inputs };
}

/** The diagnostics of a probe file's current text (an editor's unsaved buffer). */
export function checkSource(fileName: string, text: string, options: CompileOptions = {}): CheckResult {
  return toCheck(compileSource(fileName, text, options));
}

/** The diagnostics of a probe file as it is on disk. */
export function checkFile(path: string, options: CompileOptions = {}): CheckResult {
  return toCheck(compileFile(path, options));
}
