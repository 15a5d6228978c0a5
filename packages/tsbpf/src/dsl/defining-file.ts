/**
 * Which file is defining a probe class, found while its decorators run: the first frame of the
 * call stack, read through V8's structured call sites (not the text of `error.stack`), that is
 * neither tsbpf's own code, nor Node's internals, nor a decorator helper package. Call sites name
 * ES modules by file URL (also under tsx and Node's type stripping) and CommonJS modules by path.
 */
import { dirname, isAbsolute, sep } from "node:path";
import { fileURLToPath } from "node:url";

interface CallSite {
  getFileName(): string | null | undefined;
}

/** The DSL's folder (src/dsl or dist/dsl): frames there are the decorators' own. */
const ownFolder = (() => {
  try {
    return dirname(fileURLToPath(import.meta.url)) + sep;
  } catch {
    return undefined; // bundled into a file that is not on disk: no frame is ours by folder
  }
})();

/** Packages whose functions call decorators on behalf of the code that defines the class. */
const decoratorHelpers = /[\\/]node_modules[\\/](tslib|@swc[\\/]helpers|@babel[\\/]runtime[^\\/]*)[\\/]/;

function callSites(skipAbove: Function): CallSite[] {
  const savedPrepare = Error.prepareStackTrace;
  const savedLimit = Error.stackTraceLimit;
  try {
    Error.stackTraceLimit = 50;
    Error.prepareStackTrace = (_error, sites) => sites;
    const holder: { stack?: unknown } = {};
    Error.captureStackTrace(holder, skipAbove);
    return Array.isArray(holder.stack) ? (holder.stack as CallSite[]) : [];
  } finally {
    Error.prepareStackTrace = savedPrepare;
    Error.stackTraceLimit = savedLimit;
  }
}

/** A call site's file as a path, or undefined for Node's internals, eval code and the like. */
function pathOf(site: CallSite): string | undefined {
  const name = site.getFileName();
  if (!name) return undefined;
  if (name.startsWith("file:")) {
    try {
      return fileURLToPath(name);
    } catch {
      return undefined;
    }
  }
  return isAbsolute(name) ? name : undefined;
}

/**
 * The file of the code that called the frames above `skipAbove` (a DSL function), skipping the
 * DSL's own files and decorator helpers; undefined when no frame is a file on disk (eval).
 */
export function definingFile(skipAbove: Function): string | undefined {
  for (const site of callSites(skipAbove)) {
    const path = pathOf(site);
    if (!path) continue;
    if (ownFolder && path.startsWith(ownFolder)) continue;
    if (decoratorHelpers.test(path)) continue;
    return path;
  }
  return undefined;
}
