/**
 * A probe module as the bundle sees it: compiled at build time, its program bodies replaced, each
 * probe class's object appended as `embedProbeObject(Class, "<base64 ELF>")` (tsbpf's contract
 * with the plugin, see tsbpf's embedded.ts), and the TypeScript lowered to JavaScript by swc
 * (types stripped, standard decorators lowered), so that no later TypeScript step is needed.
 */
import { transformSync } from "@swc/core";
import { readFileSync } from "node:fs";
import type { Diagnostic } from "@tsbpf/compiler";
import { stripProgramBodies } from "./strip-programs.js";

export interface BuiltProbeModule {
  code: string;
  map: string | undefined;
  /** The probe classes embedded, in source order. */
  classes: string[];
}

export type ProbeModuleResult =
  | { ok: true; module: BuiltProbeModule | undefined; warnings: ReportedDiagnostic[] }
  | { ok: false; errors: ReportedDiagnostic[]; warnings: ReportedDiagnostic[] };

/** A diagnostic ready for the bundler: tsc-style text with a code frame, and its location. */
export interface ReportedDiagnostic {
  text: string;
  file: string;
  /** 1-based. */
  line: number;
  /** 1-based. */
  column: number;
}

/** The compiler's module, imported on first use: a build without probe modules never loads TypeScript. */
let compiler: Promise<typeof import("@tsbpf/compiler")> | undefined;

/**
 * Compiles the probe module `file` (whose text is `text`) and returns its bundle form, or its
 * errors. A module without probe classes comes back as `module: undefined` (left as it is).
 */
export async function buildProbeModule(file: string, text: string, sourceRoot: string | undefined): Promise<ProbeModuleResult> {
  const { compileSource, formatDiagnostic } = await (compiler ??= import("@tsbpf/compiler"));
  const result = compileSource(file, text, sourceRoot === undefined ? {} : { sourceRoot });
  const report = (d: Diagnostic): ReportedDiagnostic => ({
    text: formatDiagnostic(d, d.file === file ? text : readOr(d.file)),
    file: d.file,
    line: d.line,
    column: d.column,
  });
  const warnings = result.diagnostics.filter((d) => d.category === "warning").map(report);
  const errors = result.diagnostics.filter((d) => d.category === "error").map(report);
  if (errors.length > 0) return { ok: false, errors, warnings };
  if (result.probes.length === 0) return { ok: true, module: undefined, warnings };

  const classes = result.probes.map((p) => p.className);
  const stripped = stripProgramBodies(text, file, new Set(classes));
  const js = transformSync(stripped, {
    filename: file,
    sourceMaps: true,
    swcrc: false,
    configFile: false,
    isModule: true,
    jsc: {
      parser: { syntax: "typescript", decorators: true, tsx: file.endsWith(".tsx") },
      transform: { decoratorVersion: "2022-03" },
      target: "es2022",
    },
  });
  const embed = [
    `import { embedProbeObject as __tsbpfEmbedProbeObject } from "tsbpf";`,
    ...result.probes.map((p) => `__tsbpfEmbedProbeObject(${p.className}, ${JSON.stringify(Buffer.from(p.elf).toString("base64"))});`),
  ];
  return { ok: true, module: { code: `${js.code}\n${embed.join("\n")}\n`, map: js.map, classes }, warnings };
}

function readOr(file: string): string | undefined {
  try {
    return readFileSync(file, "utf8");
  } catch {
    return undefined;
  }
}
