/**
 * Edits that make names importable in a file: a name added to an existing import from the module,
 * `type` dropped from a type-only specifier when a value is needed, or a new import declaration
 * after the file's last one. What a quick fix adds beside its main edit.
 */
import { ts } from "@tsbpf/compiler/typescript";
import type { TextEdit } from "./fixes.js";

export interface WantedImport {
  module: string;
  name: string;
  /** True when only the type is used (`import type`); false when the value is (a cast `u32(x)`). */
  typeOnly: boolean;
}

/** Names the file binds at its top level: imports and declarations. */
export function boundNames(file: ts.SourceFile): Set<string> {
  const names = new Set<string>();
  for (const statement of file.statements) {
    if (ts.isImportDeclaration(statement)) {
      const clause = statement.importClause;
      if (clause?.name) names.add(clause.name.text);
      const bindings = clause?.namedBindings;
      if (bindings && ts.isNamedImports(bindings)) for (const e of bindings.elements) names.add(e.name.text);
      else if (bindings) names.add(bindings.name.text);
    } else if ((ts.isInterfaceDeclaration(statement) || ts.isTypeAliasDeclaration(statement) || ts.isClassDeclaration(statement) || ts.isEnumDeclaration(statement) || ts.isFunctionDeclaration(statement)) && statement.name) {
      names.add(statement.name.text);
    } else if (ts.isVariableStatement(statement)) {
      for (const d of statement.declarationList.declarations) if (ts.isIdentifier(d.name)) names.add(d.name.text);
    }
  }
  return names;
}

function namedImportsFrom(file: ts.SourceFile, module: string): { declaration: ts.ImportDeclaration; named: ts.NamedImports }[] {
  const found = [];
  for (const statement of file.statements) {
    if (!ts.isImportDeclaration(statement) || !ts.isStringLiteral(statement.moduleSpecifier) || statement.moduleSpecifier.text !== module) continue;
    const named = statement.importClause?.namedBindings;
    if (named && ts.isNamedImports(named)) found.push({ declaration: statement, named });
  }
  return found;
}

/** The edits that import each wanted name (none for a name imported already as needed). */
export function importEdits(file: ts.SourceFile, wanted: readonly WantedImport[]): TextEdit[] {
  const edits: TextEdit[] = [];
  const byModule = new Map<string, WantedImport[]>();
  for (const w of wanted) {
    const list = byModule.get(w.module) ?? [];
    const same = list.findIndex((o) => o.name === w.name);
    // Wanted as a type and as a value: the value import serves both.
    if (same >= 0) list[same] = { ...w, typeOnly: list[same]!.typeOnly && w.typeOnly };
    else list.push(w);
    byModule.set(w.module, list);
  }
  for (const [module, names] of byModule) {
    const existing = namedImportsFrom(file, module);
    const additions = new Map<ts.NamedImports, string[]>();
    const fresh: WantedImport[] = [];
    for (const w of names) {
      let satisfied = false;
      for (const { declaration, named } of existing) {
        const element = named.elements.find((e) => e.name.text === w.name);
        if (!element) continue;
        const clauseTypeOnly = declaration.importClause!.isTypeOnly;
        if (w.typeOnly || (!clauseTypeOnly && !element.isTypeOnly)) satisfied = true;
        else if (!clauseTypeOnly && element.isTypeOnly) {
          // `type u32` → `u32`: the cast needs the value.
          edits.push({ start: element.getStart(file), length: element.end - element.getStart(file), newText: element.getText(file).replace(/^type\s+/, "") });
          satisfied = true;
        }
        if (satisfied) break;
      }
      if (satisfied) continue;
      // Into an import whose clause fits: a type-only one for a type, any other (with `type`) for either.
      const target = existing.find((e) => e.declaration.importClause!.isTypeOnly === w.typeOnly) ?? existing.find((e) => !e.declaration.importClause!.isTypeOnly);
      if (!target) {
        fresh.push(w);
        continue;
      }
      const specifier = w.typeOnly && !target.declaration.importClause!.isTypeOnly ? `type ${w.name}` : w.name;
      additions.set(target.named, [...(additions.get(target.named) ?? []), specifier]);
    }
    for (const [named, specifiers] of additions) {
      const last = named.elements[named.elements.length - 1];
      if (last) edits.push({ start: last.end, length: 0, newText: `, ${specifiers.join(", ")}` });
      else edits.push({ start: named.getStart(file) + 1, length: 0, newText: ` ${specifiers.join(", ")} ` });
    }
    if (fresh.length > 0) {
      const allTypes = fresh.every((w) => w.typeOnly);
      const list = fresh.map((w) => (w.typeOnly && !allTypes ? `type ${w.name}` : w.name)).join(", ");
      const line = `import ${allTypes ? "type " : ""}{ ${list} } from "${module}";\n`;
      const imports = file.statements.filter(ts.isImportDeclaration);
      const after = imports[imports.length - 1];
      edits.push(after ? { start: after.end, length: 0, newText: "\n" + line.slice(0, -1) } : { start: 0, length: 0, newText: line });
    }
  }
  return edits;
}
