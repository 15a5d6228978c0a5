/**
 * Quick fixes for the diagnostics whose remedy the compiler states: the annotation a hook's
 * parameter needs (TSBPF3002's hint names it), a kernel type used without
 * `import type … from "tsbpf/vmlinux"` (tsc's "Cannot find name"), and an explicit cast around a
 * narrowing to an integer kind (tsc's "not assignable to type 'u32'"). Each is plain text edits, so
 * the tsserver plugin and the language server apply the same fix.
 */
import { ts } from "@tsbpf/compiler/typescript";
import { boundNames, importEdits, type WantedImport } from "./imports.js";
import type { EditorDiagnostic } from "./service.js";
import { isKernelType } from "./vmlinux-names.js";

/** Replace `length` characters at `start` (UTF-16 offsets) with `newText`. */
export interface TextEdit {
  start: number;
  length: number;
  newText: string;
}

/** A quick fix: edits of the diagnostic's file that remove the diagnostic. */
export interface QuickFix {
  /** Stable name of the kind of fix (tsserver's fixName). */
  fixName: "tsbpf-annotate-parameter" | "tsbpf-import-kernel-type" | "tsbpf-integer-cast";
  title: string;
  edits: TextEdit[];
  /** The diagnostic it fixes. */
  diagnostic: EditorDiagnostic;
}

/** The integer kinds, each also a cast function exported by "tsbpf". */
const INTEGER_KINDS = new Set(["u8", "u16", "u32", "u64", "i8", "i16", "i32", "i64"]);
/** Other names an annotation may use that "tsbpf" exports. */
const DSL_TYPES = new Set([...INTEGER_KINDS, "bool", "Ptr", "CharArray", "FixedArray"]);

let parsed: { fileName: string; text: string; file: ts.SourceFile } | undefined;

function parse(fileName: string, text: string): ts.SourceFile {
  if (parsed?.fileName !== fileName || parsed.text !== text) {
    parsed = { fileName, text, file: ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS) };
  }
  return parsed.file;
}

/** The innermost node that covers [start, start + length). */
function nodeAt(file: ts.SourceFile, start: number, length: number): ts.Node {
  let found: ts.Node = file;
  const visit = (node: ts.Node): void => {
    if (node.getStart(file) <= start && start + length <= node.end) {
      found = node;
      node.forEachChild(visit);
    }
  };
  file.forEachChild(visit);
  return found;
}

/** The quick fixes for one diagnostic of a file's text (none when the compiler knows no remedy). */
export function fixesFor(d: EditorDiagnostic, fileName: string, text: string): QuickFix[] {
  if (d.source === "tsbpf" && d.code === 3002 && d.hint) return annotateParameter(d, fileName, text);
  if (d.source === "tsc" && (d.code === 2304 || d.code === 2552)) return importKernelType(d, fileName, text);
  if (d.source === "tsc" && (d.code === 2322 || d.code === 2345)) return integerCast(d, fileName, text);
  return [];
}

/** TSBPF3002 "declare it as 'name: Ptr<task_struct>'": that annotation, and the imports it names. */
function annotateParameter(d: EditorDiagnostic, fileName: string, text: string): QuickFix[] {
  const wanted = /declare it as '([\w$]+): ([^']+)'/.exec(d.hint!);
  if (!wanted) return [];
  const [, name, annotation] = wanted as unknown as [string, string, string];
  const file = parse(fileName, text);
  let node: ts.Node | undefined = nodeAt(file, d.start, d.length);
  while (node && !ts.isParameter(node)) node = node.parent;
  if (!node || !ts.isParameter(node) || node.name.getText(file) !== name) return [];
  const start = node.name.getStart(file);
  const end = node.type ? node.type.end : (node.questionToken ?? node.name).end;
  const bound = boundNames(file);
  const imports: WantedImport[] = [];
  for (const [word] of annotation.matchAll(/[A-Za-z_$][\w$]*/g)) {
    if (bound.has(word)) continue;
    imports.push({ module: DSL_TYPES.has(word) ? "tsbpf" : "tsbpf/vmlinux", name: word, typeOnly: true });
  }
  return [{
    fixName: "tsbpf-annotate-parameter",
    title: `Declare '${name}: ${annotation}'`,
    edits: [{ start, length: end - start, newText: `${name}: ${annotation}` }, ...importEdits(file, imports)],
    diagnostic: d,
  }];
}

/** tsc's "Cannot find name 'task_struct'" for a type tsbpf/vmlinux declares: import it from there. */
function importKernelType(d: EditorDiagnostic, fileName: string, text: string): QuickFix[] {
  const name = /Cannot find name '([\w$]+)'/.exec(d.message)?.[1];
  if (!name || DSL_TYPES.has(name) || !isKernelType(fileName, name)) return [];
  const file = parse(fileName, text);
  const edits = importEdits(file, [{ module: "tsbpf/vmlinux", name, typeOnly: true }]);
  if (edits.length === 0) return [];
  return [{ fixName: "tsbpf-import-kernel-type", title: `Import type '${name}' from "tsbpf/vmlinux"`, edits, diagnostic: d }];
}

/**
 * The expression whose value a "not assignable" diagnostic is about: tsc marks a declaration's or
 * a property's name and an assignment's target, and the expression itself for returns and arguments.
 */
function assignedExpression(node: ts.Node): ts.Expression | undefined {
  const parent = node.parent;
  if (parent && ts.isVariableDeclaration(parent) && parent.name === node) return parent.initializer;
  if (parent && (ts.isPropertyAssignment(parent) || ts.isPropertyDeclaration(parent)) && parent.name === node) return parent.initializer;
  if (parent && ts.isBinaryExpression(parent) && parent.left === node && parent.operatorToken.kind === ts.SyntaxKind.EqualsToken) return parent.right;
  return ts.isExpression(node) ? node : undefined;
}

/** tsc's "Type 'bigint' is not assignable to type 'u32'": the explicit cast `u32(…)`, which truncates as C does. */
function integerCast(d: EditorDiagnostic, fileName: string, text: string): QuickFix[] {
  const kind = /is not assignable to (?:type|parameter of type) '([\w$]+)'/.exec(d.message.split("\n")[0]!)?.[1];
  if (!kind || !INTEGER_KINDS.has(kind)) return [];
  const file = parse(fileName, text);
  const expression = assignedExpression(nodeAt(file, d.start, d.length));
  if (!expression) return [];
  const start = expression.getStart(file);
  const edits = [
    { start, length: expression.end - start, newText: `${kind}(${expression.getText(file)})` },
    ...importEdits(file, [{ module: "tsbpf", name: kind, typeOnly: false }]),
  ];
  return [{ fixName: "tsbpf-integer-cast", title: `Convert with ${kind}(…) (truncates as C does)`, edits, diagnostic: d }];
}
