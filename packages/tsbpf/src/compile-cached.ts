/**
 * Compiling a probe file for `load()` and the CLI: from the object cache when its inputs are
 * unchanged (probe-cache.ts), else with the compiler: in a process started from its snapshot
 * (compiler-snapshot.ts) when there is one, else imported into this process, only then: a start
 * that hits the cache never loads TypeScript.
 */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { cacheEnabled, lookup, store, type CachedProbe } from "./probe-cache.js";
import { buildSnapshotInBackground, compileInSnapshot } from "./compiler-snapshot.js";

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
  const compiled = (await compileInSnapshot({ file, text, sourceRoot: compileOptions.sourceRoot })) ?? (await compileInProcess(file, text, compileOptions.sourceRoot));
  const errors = compiled.diagnostics.filter((d) => d.category === "error").map((d) => d.formatted);
  const warnings = compiled.diagnostics.filter((d) => d.category !== "error").map((d) => d.formatted);
  if (errors.length > 0) throw new CompileError(file, errors, compiled.diagnostics.map((d) => d.formatted));
  const probes = compiled.probes.map((p) => ({ className: p.className, elf: new Uint8Array(Buffer.from(p.elfBase64, "base64")) }));
  if (cacheEnabled()) store(file, bytes, compileOptions, compiled.inputs, { probes, warnings });
  return { probes, warnings, fromCache: false };
}

/**
 * The compile in this process, when there is no compiler snapshot yet (or it is turned off): the
 * compiler is imported now, and a snapshot is started in the background, warmed up with this
 * probe, for the next compile.
 */
async function compileInProcess(file: string, text: string, sourceRoot: string) {
  const { compileRequest } = await import("@tsbpf/compiler/snapshot");
  const response = compileRequest({ file, text, sourceRoot });
  buildSnapshotInBackground([{ file, text, sourceRoot }]);
  return response;
}
