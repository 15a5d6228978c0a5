/**
 * Reading the verifier's log: which instruction it stopped at and why, and mapping that
 * instruction back to the TypeScript line through the program's line_info.
 */
import type { LineInfo } from "@tsbpf/object";
import { VerifierError, type SourceLocation } from "../errors.js";
import { verifierHint } from "./verifier-hints.js";

export interface ParsedLog {
  /** The verifier's sentence for the failure. */
  reason: string;
  /** The last instruction index it printed before failing. */
  instruction?: number;
}

const insnLine = /^(\d+): \([0-9a-f]{2}\)/;
const summary = /^(processed \d+ insns|verification time|stack depth|-- END PROG LOAD LOG --)/;
const noise = /^(;|from \d+ to \d+:|\d+: R\d|Func#|Validating |Live regs|mark_precise|last_idx|regs=|parent|\s*$)/;

/** Finds the failing instruction and the verifier's reason in a log. */
export function parseVerifierLog(log: string): ParsedLog {
  const lines = log.split("\n").map((l) => l.trimEnd());
  // The reason is the last substantive line before the summary the verifier prints at the end.
  let end = lines.length;
  while (end > 0 && (lines[end - 1] === "" || summary.test(lines[end - 1]!))) end--;
  let reason = "";
  let reasonAt = -1;
  for (let i = end - 1; i >= 0; i--) {
    const line = lines[i]!;
    if (insnLine.test(line) || noise.test(line)) continue;
    reason = line;
    reasonAt = i;
    break;
  }
  let instruction: number | undefined;
  for (let i = (reasonAt >= 0 ? reasonAt : end) - 1; i >= 0; i--) {
    const m = insnLine.exec(lines[i]!);
    if (m) {
      instruction = Number(m[1]);
      break;
    }
  }
  // Some failures are reported with the instruction in the sentence itself ("... at insn 12").
  const inline = /(?:insn|instruction) #?(\d+)/.exec(reason);
  if (instruction === undefined && inline) instruction = Number(inline[1]);
  return { reason: reason || "the verifier gave no reason (see the log)", instruction };
}

/** The line_info record covering instruction `index` (the last one at or before it). */
export function lineForInstruction(lineInfo: readonly LineInfo[], index: number): LineInfo | undefined {
  let best: LineInfo | undefined;
  for (const li of lineInfo) {
    if (li.instruction <= index && (!best || li.instruction >= best.instruction)) best = li;
  }
  return best;
}

/**
 * A code frame around the failing line, built from the program's own line_info (it carries the
 * text of every line the program was compiled from), with a caret under the column:
 *
 *   11 |   const v = this.counts.get(key);
 * > 12 |   v.hits += 1;
 *      |   ^
 */
export function codeFrame(lineInfo: readonly LineInfo[], at: LineInfo, context = 2): string {
  const texts = new Map<number, string>();
  for (const li of lineInfo) if (li.fileName === at.fileName && !texts.has(li.line)) texts.set(li.line, li.lineText);
  texts.set(at.line, at.lineText);
  const shown = [...texts.keys()].filter((n) => Math.abs(n - at.line) <= context).sort((a, b) => a - b);
  const width = String(Math.max(...shown)).length;
  const out: string[] = [];
  for (const n of shown) {
    out.push(`${n === at.line ? ">" : " "} ${String(n).padStart(width)} | ${texts.get(n)}`);
    if (n === at.line && at.column > 0) out.push(`  ${" ".repeat(width)} | ${" ".repeat(at.column - 1)}^`);
  }
  return out.join("\n");
}

/** A VerifierError from a failed load's log, mapped to source through `lineInfo`. */
export function verifierError(programName: string, errno: number, log: string, lineInfo: readonly LineInfo[]): VerifierError {
  const parsed = parseVerifierLog(log);
  const li = parsed.instruction === undefined ? undefined : lineForInstruction(lineInfo, parsed.instruction);
  const source: SourceLocation | undefined = li && { file: li.fileName, line: li.line, column: li.column, text: li.lineText };
  return new VerifierError({
    programName,
    errno,
    log,
    reason: parsed.reason,
    instruction: parsed.instruction,
    source,
    codeFrame: li ? codeFrame(lineInfo, li) : undefined,
    hint: verifierHint(parsed.reason),
  });
}
