/**
 * Puts into the project, for each generated vmlinux file a probe imports (tsbpf/vmlinux, or one
 * of `tsbpf gen vmlinux`'s own), the slice of it the probe can reach (vmlinux/slice.ts) in place
 * of the whole file: a CO-RE probe then compiles in about a second instead of four, in a third of
 * the memory. The slice a project holds only grows (the union of what its compilations reached),
 * so a long-lived process (a bundler, the test suite) re-parses it only when a probe reaches
 * something new.
 *
 * TSBPF_VMLINUX_WHOLE=1 turns this off (the whole file is parsed), to rule the slice out when
 * chasing a type error.
 */
import { readFileSync } from "node:fs";
import { Project, ts, type FileSystemHost, type ts as TS } from "ts-morph";
import { park, unpark } from "./parked-files.js";
import { covers, GENERATED_MARKER, indexVmlinux, reach, renderSlice, union, wordsOf, type Slice, type VmlinuxIndex } from "../vmlinux/slice.js";

interface Served {
  index: VmlinuxIndex;
  slice?: Slice;
  /** The slice's text: what the project's file system reads at the file's path. */
  text?: string;
}

/** By resolved path: the index of a generated vmlinux file, or null for any other declaration file. */
const files = new Map<string, Served | null>();

/** Module specifiers of imports and re-exports in a source text. */
const specifiers = /(?:\bfrom|\bimport)\s*\(?\s*["']([^"'\n]+)["']/g;

/** How many local files a probe's imports are followed through, at most (a guard, not a limit users meet). */
const MAX_LOCAL_FILES = 200;

export function serveVmlinuxSlices(project: Project, fileName: string, text: string, options: TS.CompilerOptions): void {
  if (process.env.TSBPF_VMLINUX_WHOLE === "1") return;
  const words = new Set<string>();
  const vmlinuxPaths = new Set<string>();
  const visited = new Set<string>();
  const visit = (file: string, source: string): void => {
    if (visited.has(file) || visited.size >= MAX_LOCAL_FILES) return;
    visited.add(file);
    for (const word of wordsOf(source)) words.add(word);
    for (const [, specifier] of source.matchAll(specifiers)) {
      const resolved = ts.resolveModuleName(specifier!, file, options, ts.sys).resolvedModule?.resolvedFileName;
      if (!resolved) continue;
      if (resolved.endsWith(".d.ts")) {
        if (vmlinuxOf(resolved)) vmlinuxPaths.add(resolved);
      } else if (!resolved.includes("/node_modules/")) {
        // A local module of the probe's: the names it uses count too.
        let local: string;
        try {
          local = readFileSync(resolved, "utf8");
        } catch {
          continue;
        }
        visit(resolved, local);
      }
    }
  };
  visit(fileName, text);
  // A vmlinux file an earlier probe of this project imported stays in the project (a resolved
  // dependency) and would declare its kernel types to this probe too, which may declare its own
  // (two task_structs for KernelTypes: TS2717): only the files this probe imports stay. Such a
  // file entered the project as a dependency, which `getSourceFiles()` does not list but the next
  // program still takes as a root: it is looked up by path.
  for (const [path, served] of files) {
    if (!served || vmlinuxPaths.has(path)) continue;
    const source = project.getSourceFile(path);
    if (!source) continue;
    park(project, path, source.compilerNode);
    project.removeSourceFile(source);
  }
  for (const path of vmlinuxPaths) {
    const served = files.get(path)!;
    const needed = reach(served.index, words);
    if (served.slice && covers(served.slice, needed)) {
      // Set aside by a probe that did not import it: back as it was parsed, if the slice is the same.
      if (!project.getSourceFile(path)) unpark(project, path, served.text);
      continue;
    }
    served.slice = served.slice ? union(served.slice, needed) : needed;
    served.text = renderSlice(served.index, served.slice);
    // Parsed already (an earlier, smaller slice): read again. Otherwise the program reads it when it resolves the import.
    project.getSourceFile(path)?.refreshFromFileSystemSync();
  }
}

/**
 * The real file system, except that a generated vmlinux file being sliced reads as its slice.
 * (ts-morph's own host, wrapped: `createSourceFile(path, text, { overwrite })` would parse the
 * whole file on disk first, the cost the slice avoids.)
 */
export function slicingFileSystem(): FileSystemHost {
  const real = new Project({ skipAddingFilesFromTsConfig: true, compilerOptions: {} }).getFileSystem();
  const sliced = (path: string) => (process.env.TSBPF_VMLINUX_WHOLE === "1" ? undefined : files.get(path)?.text);
  const overrides: Partial<FileSystemHost> = {
    readFileSync: (path, encoding) => sliced(path) ?? real.readFileSync(path, encoding),
    readFile: async (path, encoding) => sliced(path) ?? real.readFile(path, encoding),
  };
  return new Proxy(real, {
    get(target, property) {
      if (property in overrides) return overrides[property as keyof FileSystemHost];
      const value = Reflect.get(target, property, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

function vmlinuxOf(path: string): Served | undefined {
  let served = files.get(path);
  if (served === undefined) {
    let text = "";
    try {
      text = readFileSync(path, "utf8");
    } catch {
      // unreadable: the program reports it
    }
    const index = text.startsWith(GENERATED_MARKER) ? indexVmlinux(text) : undefined;
    served = index ? { index } : null;
    files.set(path, served);
  }
  return served ?? undefined;
}
