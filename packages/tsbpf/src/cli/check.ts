/**
 * `tsbpf check [files]`: the compiler's diagnostics for probe files, without writing objects (and
 * without the object cache: it always checks), fast enough for a pre-commit hook: one process
 * checks every file, sharing the parsed TypeScript libraries and tsbpf's declarations. With no
 * files it checks every `*.bpf.ts` below the current folder; a folder stands for the ones below it.
 * `--json` prints one JSON document for CI annotations. The exit status is 1 when there is an
 * error, 0 otherwise (warnings included).
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { UsageError } from "./args.js";

export interface CheckOptions {
  files: string[];
  json: boolean;
}

/** One diagnostic of `--json`: positions 1-based, the end exclusive. */
export interface JsonDiagnostic {
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  severity: "error" | "warning";
  /** "TSBPF1001", or "TS2322" for tsc's own. */
  code: string;
  source: "tsbpf" | "tsc";
  message: string;
  hint?: string;
}

export interface JsonReport {
  files: string[];
  diagnostics: JsonDiagnostic[];
  errorCount: number;
  warningCount: number;
}

/** Folders never searched for probes. */
const SKIPPED = new Set(["node_modules", "dist", "build"]);

function probesBelow(dir: string, found: string[]): void {
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    if (entry.isDirectory()) {
      if (!entry.name.startsWith(".") && !SKIPPED.has(entry.name)) probesBelow(join(dir, entry.name), found);
    } else if (entry.isFile() && entry.name.endsWith(".bpf.ts")) {
      found.push(join(dir, entry.name));
    }
  }
}

/** The files to check, absolute, each once, in the order given. */
export function probeFiles(args: readonly string[]): string[] {
  const found: string[] = [];
  for (const arg of args.length === 0 ? ["."] : args) {
    const path = resolve(arg);
    if (!existsSync(path)) throw new UsageError(`no such file or folder: ${arg}`);
    if (statSync(path).isDirectory()) probesBelow(path, found);
    else found.push(path);
  }
  return [...new Set(found)];
}

const display = (file: string) => relative(process.cwd(), file).split("\\").join("/") || file;

/** The end of a span (line and column, 1-based, exclusive) from its start and length. */
function endOf(text: string | undefined, line: number, column: number, length: number): { endLine: number; endColumn: number } {
  if (text === undefined) return { endLine: line, endColumn: column + length };
  const lines = text.split("\n");
  let endLine = line;
  let endColumn = column + length;
  while (endLine <= lines.length && endColumn > lines[endLine - 1]!.length + 1) {
    endColumn -= lines[endLine - 1]!.length + 1;
    endLine++;
  }
  return { endLine, endColumn };
}

export async function check(options: CheckOptions, io: { stdout: NodeJS.WritableStream }): Promise<number> {
  const files = probeFiles(options.files);
  const { checkFile, formatDiagnostic } = await import("@tsbpf/compiler");
  const report: JsonReport = { files: files.map(display), diagnostics: [], errorCount: 0, warningCount: 0 };
  const texts = new Map<string, string | undefined>();
  const textOf = (file: string) => {
    if (!texts.has(file)) {
      try {
        texts.set(file, readFileSync(file, "utf8"));
      } catch {
        texts.set(file, undefined);
      }
    }
    return texts.get(file);
  };
  for (const file of files) {
    for (const d of checkFile(file).diagnostics) {
      if (d.category === "error") report.errorCount++;
      else report.warningCount++;
      if (!options.json) {
        io.stdout.write(formatDiagnostic(d, textOf(d.file)) + "\n\n");
        continue;
      }
      const json: JsonDiagnostic = {
        file: display(d.file),
        line: d.line,
        column: d.column,
        ...endOf(textOf(d.file), d.line, d.column, d.length),
        severity: d.category,
        code: d.source === "tsc" ? `TS${d.code}` : `TSBPF${d.code}`,
        source: d.source === "tsc" ? "tsc" : "tsbpf",
        message: d.message,
      };
      if (d.hint !== undefined) json.hint = d.hint;
      report.diagnostics.push(json);
    }
  }
  if (options.json) {
    io.stdout.write(JSON.stringify(report, null, 2) + "\n");
  } else {
    const plural = (n: number, what: string) => `${n} ${what}${n === 1 ? "" : "s"}`;
    io.stdout.write(`${plural(files.length, "probe file")} checked: ${plural(report.errorCount, "error")}, ${plural(report.warningCount, "warning")}\n`);
  }
  return report.errorCount > 0 ? 1 : 0;
}
