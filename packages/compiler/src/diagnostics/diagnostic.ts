/**
 * Diagnostics: what the compiler reports, and how lowering stops at a construct outside the subset
 * without stopping the whole compilation.
 */
import type { DiagnosticCode } from "./codes.js";

export interface Diagnostic {
  /** A TSBPF code (1000–5999) or, for tsc's own diagnostics on the probe file, tsc's code. */
  code: number;
  category: "error" | "warning";
  message: string;
  file: string;
  /** 1-based. */
  line: number;
  /** 1-based. */
  column: number;
  /** Length of the marked span in characters (at least 1). */
  length: number;
  hint?: string;
  /** "tsc" for tsc's own diagnostics on the probe file (their codes are tsc's); absent for ours. */
  source?: "tsc";
}

/** A source span, resolved to file/line/column when a diagnostic is made. */
export interface Span {
  file: string;
  /** The file's full text, to turn offsets into lines and columns. */
  text: string;
  start: number;
  end: number;
}

/**
 * Thrown by lowering when a construct cannot be compiled; caught per statement so that one
 * program can report several independent problems.
 */
export class CompileError extends Error {
  readonly code: DiagnosticCode;
  readonly span: Span;
  readonly hint: string | undefined;
  constructor(code: DiagnosticCode, span: Span, message: string, hint?: string) {
    super(message);
    this.name = "CompileError";
    this.code = code;
    this.span = span;
    this.hint = hint;
  }
}

export function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

export function makeDiagnostic(
  code: number,
  category: "error" | "warning",
  span: Span,
  message: string,
  hint?: string,
): Diagnostic {
  const { line, column } = lineAndColumn(span.text, span.start);
  const diagnostic: Diagnostic = {
    code,
    category,
    message,
    file: span.file,
    line,
    column,
    length: Math.max(1, span.end - span.start),
  };
  if (hint !== undefined) diagnostic.hint = hint;
  return diagnostic;
}

/** Collects diagnostics in the order they are found. */
export class DiagnosticBag {
  readonly items: Diagnostic[] = [];
  error(code: DiagnosticCode, span: Span, message: string, hint?: string): void {
    this.items.push(makeDiagnostic(code, "error", span, message, hint));
  }
  warning(code: DiagnosticCode, span: Span, message: string, hint?: string): void {
    this.items.push(makeDiagnostic(code, "warning", span, message, hint));
  }
  add(error: CompileError): void {
    this.items.push(makeDiagnostic(error.code, "error", error.span, error.message, error.hint));
  }
  push(diagnostic: Diagnostic): void {
    this.items.push(diagnostic);
  }
  get hasErrors(): boolean {
    return this.items.some((d) => d.category === "error");
  }
}
