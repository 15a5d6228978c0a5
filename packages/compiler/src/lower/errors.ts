/**
 * Shorthands for the errors lowering throws at a node.
 */
import type { ts } from "ts-morph";
import type { DiagnosticCode } from "../diagnostics/codes.js";
import { CompileError } from "../diagnostics/diagnostic.js";
import { spanOf } from "../frontend/span.js";

export function fail(code: DiagnosticCode, node: ts.Node, message: string, hint?: string): never {
  throw new CompileError(code, spanOf(node), message, hint);
}
