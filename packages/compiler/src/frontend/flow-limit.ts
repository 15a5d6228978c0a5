/**
 * TypeScript's control-flow limit (TS2563): a function whose flow graph is too deep for tsc's
 * narrowing (about 2,000 nested branch points: a method of a few thousand `if`s) gets one tsc
 * error at its first statement, and from then on tsc answers "error type" for the references in
 * it. tsbpf's own types come from tsc, so compiling on would report each such reference as
 * something else (TSBPF4001 "not a function a BPF program can call"): instead the limit is
 * reported as what it is, on the function's name, with the way out.
 *
 * Most such functions never reach tsc's limit: frontend/narrowing-free.ts has tsc check them
 * without narrowing the references narrowing cannot change, and the compile goes on with a
 * warning (TSBPF5003) naming the function. TS2563 remains for a reference narrowing does matter
 * to (a map lookup's `V | undefined` declared far above its use).
 */
import { ts } from "ts-morph";
import { Codes } from "../diagnostics/codes.js";
import { makeDiagnostic, type Diagnostic } from "../diagnostics/diagnostic.js";
import type { UseBeforeAssignment } from "./definite-assignment.js";
import type { DeepFunction } from "./narrowing-free.js";

export const FLOW_LIMIT_CODE = 2563;

function enclosingFunction(sourceFile: ts.SourceFile, position: number): ts.FunctionLikeDeclaration | undefined {
  let found: ts.FunctionLikeDeclaration | undefined;
  const visit = (node: ts.Node): void => {
    if (position < node.getFullStart() || position > node.getEnd()) return;
    if (ts.isFunctionLike(node) && "body" in node && node.body !== undefined) found = node as ts.FunctionLikeDeclaration;
    ts.forEachChild(node, visit);
  };
  visit(sourceFile);
  return found;
}

function describe(fn: ts.FunctionLikeDeclaration): string {
  const name = fn.name && ts.isIdentifier(fn.name) ? fn.name.text : "(anonymous)";
  if (ts.isMethodDeclaration(fn) && ts.isClassLike(fn.parent)) return `the method '${fn.parent.name?.text ?? "(class)"}.${name}'`;
  return `the function '${name}'`;
}

/** tsc's TS2563, restated on the function it names (undefined when the diagnostic is another one). */
export function flowLimitDiagnostic(d: ts.Diagnostic, sourceFile: ts.SourceFile): Diagnostic | undefined {
  if (d.code !== FLOW_LIMIT_CODE || d.file === undefined || d.file.fileName !== sourceFile.fileName) return undefined;
  const fn = enclosingFunction(sourceFile, d.start ?? 0);
  const at = fn?.name ?? fn ?? sourceFile;
  const what = fn ? describe(fn) : "the module";
  const start = at.getStart(sourceFile);
  const diagnostic = makeDiagnostic(
    FLOW_LIMIT_CODE,
    "error",
    { file: sourceFile.fileName, text: sourceFile.text, start, end: at.getEnd() },
    `${what} is too large for TypeScript's control-flow analysis (TS2563), so tsc cannot type its body and tsbpf cannot compile it` +
      ` (a reference whose type depends on narrowing, such as a lookup's \`V | undefined\`, is used too many branches after its declaration)`,
    "split it into smaller functions: an undecorated method of the probe class is a BPF subprogram (called, or inlined)",
  );
  diagnostic.source = "tsc";
  return diagnostic;
}

/**
 * The warning for a function tsc checked without narrowing (frontend/narrowing-free.ts): it
 * compiles, and says what tsc did not check.
 */
export function flowLimitWarning(deep: DeepFunction, sourceFile: ts.SourceFile): Diagnostic {
  const at = deep.node.name ?? deep.node;
  return makeDiagnostic(
    Codes.FlowLimit,
    "warning",
    { file: sourceFile.fileName, text: sourceFile.text, start: at.getStart(sourceFile), end: at.getEnd() },
    `${describe(deep.node)} nests ${deep.depth} branch points, past the 2,000 TypeScript's control-flow analysis follows (TS2563): ` +
      `tsc checked it without narrowing its integer, boolean and struct references (each has its declared type throughout); tsbpf typed and compiled it itself, and checked its uses before assignment (TSBPF2021)`,
    "split it into smaller functions to have tsc check it fully: an undecorated method of the probe class is a BPF subprogram (called, or inlined)",
  );
}

/**
 * tsc's TS2454 ("used before being assigned") in a function it checked without control-flow
 * analysis, found by tsbpf's own pass (frontend/definite-assignment.ts).
 */
export function usedBeforeAssignedError(found: UseBeforeAssignment, deep: DeepFunction, sourceFile: ts.SourceFile): Diagnostic {
  const name = found.use.text;
  return makeDiagnostic(
    Codes.UsedBeforeAssigned,
    "error",
    { file: sourceFile.fileName, text: sourceFile.text, start: found.use.getStart(sourceFile), end: found.use.getEnd() },
    `variable '${name}' is used before being assigned on some path (tsbpf's check: tsc does not check ${describe(deep.node)} for this, as it is past TypeScript's control-flow limit)`,
    `assign '${name}' on every path before this use, or initialise it where it is declared (line ${sourceFile.getLineAndCharacterOfPosition(found.declaration.getStart(sourceFile)).line + 1})`,
  );
}
