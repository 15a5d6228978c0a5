/**
 * Compiling a probe file for `load()` and the CLI: from the object cache when its inputs are
 * unchanged (probe-cache.ts), else with the compiler, which is imported only then: a start that
 * hits the cache never loads TypeScript.
 */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { cacheEnabled, lookup, store, type CachedProbe } from "./probe-cache.js";

/** Thrown when a probe's source does not compile; `diagnostics` holds the formatted errors. */
export class CompileError extends Error {
  readonly diagnostics: string[];
  /** Every diagnostic (errors and warnings), formatted, in source order. */
  readonly all: string[];
  constructor(file: string, diagnostics: string[], all: string[] = diagnostics) {
    super(`tsbpf: ${file} does not compile:\n\n${diagnostics.join("\n\n")}`);
    this.name = "CompileError";
    this.diagnostics = diagnostics;
    this.all = all;
  }
}

export interface ProbeFileCompile {
  probes: CachedProbe[];
  /** Warnings, formatted (replayed from the cache on a hit). */
  warnings: string[];
  fromCache: boolean;
}

export interface ProbeFileOptions {
  /** line_info file names are relative to this directory (default: the working directory). */
  sourceRoot?: string;
}

function readText(file: string): string | undefined {
  try {
    return readFileSync(file, "utf8");
  } catch {
    return undefined;
  }
}

/** The compiled objects of every probe class of `path`. Throws CompileError on errors. */
export async function compileProbeFile(path: string, options: ProbeFileOptions = {}): Promise<ProbeFileCompile> {
  const file = resolve(path);
  const compileOptions = { sourceRoot: resolve(options.sourceRoot ?? process.cwd()) };
  if (cacheEnabled()) {
    const hit = lookup(file, compileOptions);
    if (hit) return { ...hit, fromCache: true };
  }
  const bytes = readFileSync(file);
  const text = bytes.toString("utf8");
  const { compileSource, formatDiagnostic } = await import("@tsbpf/compiler");
  const result = compileSource(file, text, compileOptions);
  const format = (d: (typeof result.diagnostics)[number]) => formatDiagnostic(d, d.file === file ? text : readText(d.file));
  const all = result.diagnostics.map(format);
  const errors = result.diagnostics.filter((d) => d.category === "error").map(format);
  const warnings = result.diagnostics.filter((d) => d.category !== "error").map(format);
  if (errors.length > 0) throw new CompileError(file, errors, all);
  const probes = result.probes.map((p) => ({ className: p.className, elf: p.elf }));
  if (cacheEnabled()) store(file, bytes, compileOptions, result.inputs, { probes, warnings });
  return { probes, warnings, fromCache: false };
}
