/**
 * The compile step shared by `build` and `run`: diagnostics printed as tsc prints them, and a
 * non-zero exit (with no object written) when there is any error.
 */
import { compileFile, formatDiagnostic, type CompiledProbe } from "@tsbpf/compiler";
import { existsSync, readFileSync } from "node:fs";
import { UsageError } from "./args.js";

export class CompileFailed extends Error {
  constructor(count: number) {
    super(`${count} error${count === 1 ? "" : "s"}: no object written`);
    this.name = "CompileFailed";
  }
}

export function compileForCli(file: string, className: string | undefined, stderr: NodeJS.WritableStream): CompiledProbe[] {
  if (!existsSync(file)) throw new UsageError(`no such file: ${file}`);
  const result = compileFile(file);
  const text = readFileSync(file, "utf8");
  for (const diagnostic of result.diagnostics) {
    stderr.write(formatDiagnostic(diagnostic, diagnostic.file.endsWith(file) ? text : undefined) + "\n\n");
  }
  const errors = result.diagnostics.filter((d) => d.category === "error").length;
  if (errors > 0) throw new CompileFailed(errors);
  const probes = className ? result.probes.filter((p) => p.className === className) : result.probes;
  if (probes.length === 0) {
    throw new UsageError(
      className
        ? `${file} has no probe class ${className} (found: ${result.probes.map((p) => p.className).join(", ") || "none"})`
        : `${file} defines no probe class (a class extending Probe from "tsbpf")`,
    );
  }
  return probes;
}
