/**
 * Replaces the bodies of a probe class's methods (its BPF programs and subprograms) with a throw,
 * so that the bundle carries no kernel code: the kernel runs the compiled object embedded beside
 * the class, and user space only needs the class as a key and a type.
 *
 * swc parses (no type information is needed); the edit is textual so that everything else stays
 * as written, and each replaced body keeps its line count, so that line numbers of the rest of
 * the module (and its source map) stay true.
 */
import { parseSync, type ClassMember, type ModuleItem } from "@swc/core";

export class StripError extends Error {}

/** `text` with the instance methods of the named classes emptied (a throw naming the method). */
export function stripProgramBodies(text: string, file: string, classNames: ReadonlySet<string>): string {
  const bytes = Buffer.from(text, "utf8");
  const module = parseSync(text, { syntax: "typescript", decorators: true, tsx: file.endsWith(".tsx") });
  // swc spans are byte positions from 1; check that assumption on each body before editing.
  const edits: Array<{ start: number; end: number; replacement: string }> = [];
  for (const item of module.body) {
    const declared = classOf(item);
    if (!declared || !classNames.has(declared.name)) continue;
    for (const member of declared.members) {
      if ((member.type !== "ClassMethod" && member.type !== "PrivateMethod") || member.isStatic || member.kind !== "method") continue;
      const body = member.function.body;
      if (!body) continue;
      const start = body.span.start - 1;
      const end = body.span.end - 1;
      if (bytes[start] !== 0x7b || bytes[end - 1] !== 0x7d) {
        throw new StripError(`@tsbpf/unplugin: cannot locate the body of ${declared.name} in ${file} (unexpected swc span)`);
      }
      const key = member.key.type === "Identifier" ? member.key.value : member.key.type === "PrivateName" ? `#${member.key.id.value}` : "method";
      const lines = bytes.subarray(start, end).toString("utf8").split("\n").length - 1;
      const message = `tsbpf: ${declared.name}.${key} is BPF code: it runs in the kernel, not in user space`;
      edits.push({ start, end, replacement: `{ throw new Error(${JSON.stringify(message)});${"\n".repeat(lines)} }` });
    }
  }
  if (edits.length === 0) return text;
  const parts: Buffer[] = [];
  let at = 0;
  for (const edit of edits.sort((a, b) => a.start - b.start)) {
    parts.push(bytes.subarray(at, edit.start), Buffer.from(edit.replacement, "utf8"));
    at = edit.end;
  }
  parts.push(bytes.subarray(at));
  return Buffer.concat(parts).toString("utf8");
}

function classOf(item: ModuleItem): { name: string; members: ClassMember[] } | undefined {
  if (item.type === "ClassDeclaration") return { name: item.identifier.value, members: item.body };
  if (item.type === "ExportDeclaration" && item.declaration.type === "ClassDeclaration") {
    return { name: item.declaration.identifier.value, members: item.declaration.body };
  }
  if (item.type === "ExportDefaultDeclaration" && item.decl.type === "ClassExpression" && item.decl.identifier) {
    return { name: item.decl.identifier.value, members: item.decl.body };
  }
  return undefined;
}
