/**
 * The compile step shared by `build` and `run`: diagnostics printed as tsc prints them, and a
 * non-zero exit (with no object written) when there is any error. Objects come from the cache
 * when the probe and everything its compilation read are unchanged (probe-cache.ts): then the
 * compiler, and TypeScript with it, is never imported.
 */
import { readElf, type ObjectSpec } from "@tsbpf/object";
import { existsSync } from "node:fs";
import { CompileError, compileProbeFile } from "../compile-cached.js";
import { UsageError } from "./args.js";

export class CompileFailed extends Error {
  constructor(count: number) {
    super(`${count} error${count === 1 ? "" : "s"}: no object written`);
    this.name = "CompileFailed";
  }
}

export interface CliProbe {
  className: string;
  spec: ObjectSpec;
  elf: Uint8Array;
}

export async function compileForCli(file: string, className: string | undefined, stderr: NodeJS.WritableStream): Promise<CliProbe[]> {
  if (!existsSync(file)) throw new UsageError(`no such file: ${file}`);
  let compiled;
  try {
    compiled = await compileProbeFile(file);
  } catch (error) {
    if (!(error instanceof CompileError)) throw error;
    for (const text of error.all) stderr.write(text + "\n\n");
    throw new CompileFailed(error.diagnostics.length);
  }
  for (const text of compiled.warnings) stderr.write(text + "\n\n");
  const all = compiled.probes;
  const probes = className ? all.filter((p) => p.className === className) : all;
  if (probes.length === 0) {
    throw new UsageError(
      className
        ? `${file} has no probe class ${className} (found: ${all.map((p) => p.className).join(", ") || "none"})`
        : `${file} defines no probe class (a class extending Probe from "tsbpf")`,
    );
  }
  return probes.map((p) => ({ className: p.className, elf: p.elf, spec: readElf(p.elf) }));
}
