/**
 * tsc-style rendering: `file:line:col - error TSBPF1001: message`, a code frame with the line and
 * a `^~~~` underline, then `hint: ...`.
 */
import { isAbsolute, relative } from "node:path";
import type { Diagnostic } from "./diagnostic.js";

export function codeLabel(d: Diagnostic): string {
  return d.source === "tsc" ? `TS${d.code}` : `TSBPF${d.code}`;
}

export function formatDiagnostic(d: Diagnostic, sourceText?: string): string {
  const head = `${displayPath(d.file)}:${d.line}:${d.column} - ${d.category} ${codeLabel(d)}: ${d.message}`;
  const parts = [head];
  if (sourceText !== undefined) {
    const frame = codeFrame(sourceText, d.line, d.column, d.length);
    if (frame) parts.push("", frame);
  }
  if (d.hint) parts.push("", `hint: ${d.hint}`);
  return parts.join("\n");
}

function codeFrame(text: string, line: number, column: number, length: number): string | undefined {
  const lines = text.split(/\r?\n/);
  const source = lines[line - 1];
  if (source === undefined) return undefined;
  const gutter = String(line);
  const pad = " ".repeat(gutter.length);
  // Underline no further than the end of the first line of the span.
  const width = Math.max(1, Math.min(length, source.length - (column - 1)));
  const underline = " ".repeat(Math.max(0, column - 1)) + "^" + "~".repeat(Math.max(0, width - 1));
  return `${gutter} ${source}\n${pad} ${underline}`;
}

/** Paths under the working directory print relative to it, as tsc prints them. */
function displayPath(file: string): string {
  if (!isAbsolute(file)) return file;
  const rel = relative(process.cwd(), file);
  return rel.startsWith("..") || isAbsolute(rel) ? file : rel.split("\\").join("/");
}
