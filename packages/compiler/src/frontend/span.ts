/**
 * Source spans of TypeScript nodes, for diagnostics and line_info.
 */
import { ts } from "ts-morph";
import type { Span } from "../diagnostics/diagnostic.js";
import type { SourceLoc } from "../ir/ir.js";

export function spanOf(node: ts.Node, file: string = node.getSourceFile().fileName): Span {
  const sourceFile = node.getSourceFile();
  return { file, text: sourceFile.text, start: node.getStart(sourceFile), end: node.getEnd() };
}

export function locOf(node: ts.Node): SourceLoc {
  const sourceFile = node.getSourceFile();
  const { line, character } = sourceFile.getLineAndCharacterOfPosition(node.getStart(sourceFile));
  return { line: line + 1, column: character + 1 };
}
