/**
 * What both editor integrations (the tsserver plugin and `tsbpf lsp`) ask of the compiler: the
 * diagnostics of a probe file's current text, and the quick fixes for one of them. A check is
 * remembered per file until its text or a file it read changes (an editor asks again for the same
 * text: on focus, for code fixes, for each diagnostics kind), and a failure inside the compiler is logged and
 * answered with no diagnostics: the editor keeps working without tsbpf's.
 *
 * @module @tsbpf/ts-plugin/service
 */
import { statSync } from "node:fs";
import { checkSource, type Diagnostic } from "@tsbpf/compiler";
import { fixesFor, type QuickFix } from "./fixes.js";

/** A compiler diagnostic placed in the text it was reported on (offsets in UTF-16 units). */
export interface EditorDiagnostic {
  /** The TSBPF number (3002 for TSBPF3002) or, with `source: "tsc"`, tsc's. */
  code: number;
  category: "error" | "warning";
  message: string;
  hint?: string;
  source: "tsbpf" | "tsc";
  start: number;
  length: number;
}

/** The outcome of one check of a file's text. */
export interface ProbeCheck {
  /** Every diagnostic on the file: tsbpf's and the tsc ones the compiler saw (source "tsc"). */
  diagnostics: EditorDiagnostic[];
  /** Milliseconds the check took (0 when remembered). */
  milliseconds: number;
}

/** A class extending Probe: the files worth checking (anything else is user space or a helper module). */
const probeClass = /\bclass\s+[\w$]+(?:\s*<[^{]*>)?\s+extends\s+(?:[\w$]+\.)?Probe\b/;

/** Whether the text declares a probe class, i.e. whether the compiler has anything to say on it. */
export function isProbeSource(text: string): boolean {
  return probeClass.test(text);
}

/** Offsets of the starts of the text's lines. */
function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) starts.push(i + 1);
  return starts;
}

function place(d: Diagnostic, starts: number[], textLength: number): EditorDiagnostic {
  const lineStart = starts[Math.min(d.line, starts.length) - 1] ?? 0;
  const start = Math.min(lineStart + d.column - 1, textLength);
  const placed: EditorDiagnostic = {
    code: d.code,
    category: d.category,
    message: d.message,
    source: d.source === "tsc" ? "tsc" : "tsbpf",
    start,
    length: Math.max(0, Math.min(d.length, textLength - start)),
  };
  if (d.hint !== undefined) placed.hint = d.hint;
  return placed;
}

/** Where the service reports its own failures (tsserver's log, the LSP client's output). */
export type Log = (message: string) => void;

/** A file's modification time, or -1 when it cannot be read. */
function mtimeOf(path: string): number {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return -1;
  }
}

function unchanged(inputs: ReadonlyMap<string, number>): boolean {
  for (const [path, mtime] of inputs) if (mtimeOf(path) !== mtime) return false;
  return true;
}

/**
 * The editor integrations' door to the compiler: checks of probe files remembered per file until
 * the text changes, and the quick fixes for the diagnostics of a range. Never throws: a failure is
 * logged and answered with nothing.
 */
export class ProbeService {
  readonly #log: Log;
  readonly #compile: typeof checkSource;
  readonly #checks = new Map<string, { text: string; check: ProbeCheck; inputs: Map<string, number> }>();

  /** `compile` is the compiler's checkSource; a test passes one that fails. */
  constructor(log: Log, compile: typeof checkSource = checkSource) {
    this.#log = log;
    this.#compile = compile;
  }

  /** The diagnostics of `fileName` with this text; none when it holds no probe class. */
  check(fileName: string, text: string): ProbeCheck {
    const known = this.#checks.get(fileName);
    if (known && known.text === text && unchanged(known.inputs)) return { ...known.check, milliseconds: 0 };
    const began = performance.now();
    let diagnostics: EditorDiagnostic[] = [];
    const inputs = new Map<string, number>();
    if (isProbeSource(text)) {
      try {
        const starts = lineStarts(text);
        const result = this.#compile(fileName, text);
        // What else the check read (the probe's local imports, declarations): a change to one of them
        // on disk makes the remembered answer stale even though the probe's text is the same.
        // (Installed packages' declarations are left out: they change with an install, which restarts the editor's project.)
        for (const input of result.inputs) if (input !== fileName && !/[\\/]node_modules[\\/]/.test(input)) inputs.set(input, mtimeOf(input));
        for (const d of result.diagnostics) {
          if (d.file !== fileName) continue;
          // An internal error is tsbpf's bug, not the user's: it goes to the log, not under their code.
          if (d.code === 5999 && d.source !== "tsc") {
            this.#log(`internal compiler error on ${fileName}: ${d.message}`);
            continue;
          }
          diagnostics.push(place(d, starts, text.length));
        }
      } catch (error) {
        this.#log(`checking ${fileName} failed: ${(error as Error).stack ?? String(error)}`);
        diagnostics = [];
      }
    }
    const check = { diagnostics, milliseconds: performance.now() - began };
    this.#checks.set(fileName, { text, check, inputs });
    return check;
  }

  /** Forgets a file (closed in the editor). */
  forget(fileName: string): void {
    this.#checks.delete(fileName);
  }

  /**
   * The quick fixes for the diagnostics of `fileName` that overlap [start, end): tsbpf's from its
   * last check, and `extra` (tsc's, as the editor's own TypeScript reported them).
   */
  fixes(fileName: string, text: string, start: number, end: number, extra: readonly EditorDiagnostic[] = []): QuickFix[] {
    try {
      const all = [...this.check(fileName, text).diagnostics, ...extra];
      const fixes: QuickFix[] = [];
      const seen = new Set<string>();
      for (const d of all) {
        if (d.start > end || d.start + d.length < start) continue;
        for (const fix of fixesFor(d, fileName, text)) {
          const key = JSON.stringify(fix.edits);
          if (seen.has(key)) continue; // tsc's diagnostic from both sources, or two diagnostics one fix
          seen.add(key);
          fixes.push(fix);
        }
      }
      return fixes;
    } catch (error) {
      this.#log(`quick fixes for ${fileName} failed: ${(error as Error).stack ?? String(error)}`);
      return [];
    }
  }
}

export type { QuickFix, TextEdit } from "./fixes.js";
