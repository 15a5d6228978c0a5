/**
 * The error of a program that runs into a poisoned CO-RE relocation: the verifier refused the
 * call of helper 0xbad2310 that stands in its place, and this says which field of which kernel
 * type could not be found, at which TypeScript line.
 */
import type { LineInfo } from "@tsbpf/object";
import { VerifierError, type VerifierErrorDetails } from "../errors.js";
import { codeFrame, lineForInstruction } from "../load/verifier-log.js";
import { POISON_HELPER } from "./kinds.js";
import type { PoisonedRelocation } from "./relocate.js";

export class CoreRelocationError extends VerifierError {
  override name = "CoreRelocationError";
  /** The relocation the verifier reached. */
  readonly relocation: PoisonedRelocation;

  constructor(details: VerifierErrorDetails, relocation: PoisonedRelocation) {
    super(details);
    this.relocation = relocation;
  }
}

const poisonCall = new RegExp(`^(\\d+): \\(85\\) call unknown#${POISON_HELPER}\\b`, "m");

/**
 * A CoreRelocationError for `error` when the verifier stopped at a poisoned instruction,
 * otherwise `error` itself.
 */
export function explainPoison(error: unknown, poisoned: readonly PoisonedRelocation[], lineInfo: readonly LineInfo[]): unknown {
  if (!(error instanceof VerifierError) || poisoned.length === 0 || !error.log.includes(`unknown#${POISON_HELPER}`)) return error;
  const at = Number(poisonCall.exec(error.log)?.[1] ?? error.instruction ?? -1);
  const relocation = poisoned.find((p) => p.instruction === at) ?? poisoned[0]!;
  const li = lineForInstruction(lineInfo, relocation.instruction);
  return new CoreRelocationError(
    {
      programName: error.programName,
      errno: error.errno,
      log: error.log,
      reason: `CO-RE relocation failed: ${relocation.field} (${relocation.kind}) cannot be resolved: ${relocation.reason}`,
      instruction: relocation.instruction,
      source: li && { file: li.fileName, line: li.line, column: li.column, text: li.lineText },
      codeFrame: li && codeFrame(lineInfo, li),
      hint: `the target kernel's BTF lacks this field or type; guard the access with bpf.core.fieldExists()/typeExists() (the poisoned instruction only fails when it can run), or use a flavour type (name___suffix) matching this kernel's layout`,
    },
    relocation,
  );
}
