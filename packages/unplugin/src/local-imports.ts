/**
 * The local files a probe module imports, directly or through each other: the compiler reads
 * them (types, constants, subprograms), so a change in any of them must rebuild the probe's
 * object, and bundlers in watch and dev modes are told to watch them.
 *
 * Only relative specifiers count: packages in node_modules change with installs, not edits.
 */
import { parseSync, type ModuleItem } from "@swc/core";
import { existsSync, readFileSync, statSync } from "node:fs";
import { dirname, resolve } from "node:path";

/** Every local file `file` imports, transitively (not `file` itself), in discovery order. */
export function localImports(file: string, text: string): string[] {
  const seen = new Set<string>([file]);
  const found: string[] = [];
  const queue: Array<{ file: string; text: string }> = [{ file, text }];
  while (queue.length > 0) {
    const next = queue.shift()!;
    for (const specifier of relativeSpecifiers(next.text, next.file)) {
      const target = resolveLocal(dirname(next.file), specifier);
      if (!target || seen.has(target)) continue;
      seen.add(target);
      found.push(target);
      try {
        queue.push({ file: target, text: readFileSync(target, "utf8") });
      } catch {
        // unreadable: the compiler reports it; watching it still rebuilds once it is fixed
      }
    }
  }
  return found;
}

function relativeSpecifiers(text: string, file: string): string[] {
  let body: ModuleItem[];
  try {
    body = parseSync(text, { syntax: "typescript", decorators: true, tsx: file.endsWith(".tsx") }).body;
  } catch {
    return []; // a syntax error: the compiler reports it with its location
  }
  const specifiers: string[] = [];
  for (const item of body) {
    if (item.type === "ImportDeclaration" || item.type === "ExportAllDeclaration") specifiers.push(item.source.value);
    else if (item.type === "ExportNamedDeclaration" && item.source) specifiers.push(item.source.value);
  }
  return specifiers.filter((s) => s.startsWith("./") || s.startsWith("../"));
}

/** TypeScript's resolution of a relative specifier, as NodeNext and bundler resolution do it. */
function resolveLocal(dir: string, specifier: string): string | undefined {
  const base = resolve(dir, specifier);
  const candidates = [base];
  const js = /\.([cm]?)js$/.exec(base);
  if (js) candidates.unshift(base.slice(0, -js[0].length) + `.${js[1]}ts`, base.slice(0, -js[0].length) + ".tsx");
  if (!/\.[cm]?tsx?$/.test(base)) candidates.push(`${base}.ts`, `${base}.tsx`, `${base}.d.ts`, `${base}/index.ts`);
  return candidates.find((c) => existsSync(c) && statSync(c).isFile());
}
