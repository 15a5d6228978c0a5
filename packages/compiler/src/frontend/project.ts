/**
 * The ts-morph Projects of the process, one per set of compiler options (a probe's nearest
 * tsconfig.json, frontend/tsconfig.ts), reused across compilations: lib files and tsbpf's
 * declarations are parsed once, and a probe file is swapped in by name, so that a recompilation
 * costs only the probe's own checking.
 */
import { statSync } from "node:fs";
import { Project, ts } from "ts-morph";
import { settingsFor, type ProjectSettings } from "./tsconfig.js";
import { serveVmlinuxSlices, slicingFileSystem } from "./vmlinux-slices.js";

/** Projects by their options (JSON); the least recently used goes beyond a few. */
const projects = new Map<string, Project>();
const MAX_PROJECTS = 4;

function projectFor(options: ts.CompilerOptions): Project {
  const key = JSON.stringify(options);
  let project = projects.get(key);
  if (project) projects.delete(key);
  else project = new Project({ compilerOptions: options, skipAddingFilesFromTsConfig: true, skipFileDependencyResolution: false, fileSystem: slicingFileSystem() });
  projects.set(key, project);
  while (projects.size > MAX_PROJECTS) projects.delete(projects.keys().next().value!);
  return project;
}

export interface LoadedSource {
  sourceFile: ts.SourceFile;
  program: ts.Program;
  checker: ts.TypeChecker;
  /** The settings the file was checked with (its tsconfig, the options). */
  settings: ProjectSettings;
}

/** Local source files (not declarations, outside node_modules) that programs read besides their probe: probes' imports. */
const localImports = new Set<string>();

/** Puts the probe file's text into its project (replacing an earlier version) and type-checks. */
export function loadSource(fileName: string, text: string): LoadedSource {
  const settings = settingsFor(fileName);
  const project = projectFor(settings.options);
  // Other probe files of earlier calls would make every program bigger: keep only this one.
  for (const other of project.getSourceFiles()) {
    if (other.getFilePath() !== fileName && !other.isInNodeModules() && !other.isDeclarationFile()) {
      project.removeSourceFile(other);
    }
  }
  // ts-morph caches the files a probe imports outside the project and never re-reads them: an
  // edit to one (a bundler's watch mode, a long-lived process) would compile the old text.
  for (const imported of localImports) project.getSourceFile(imported)?.refreshFromFileSystemSync();
  serveVmlinuxSlices(project, fileName, text, settings.options);
  const morph = project.createSourceFile(fileName, text, { overwrite: true });
  const program = project.getProgram().compilerObject;
  for (const { fileName: read } of program.getSourceFiles()) {
    if (read !== morph.getFilePath() && !read.endsWith(".d.ts") && !/[\\/]node_modules[\\/]/.test(read)) localImports.add(read);
  }
  const sourceFile = program.getSourceFile(morph.getFilePath()) ?? morph.compilerNode;
  recordTimes(project, program);
  return { sourceFile, program, checker: program.getTypeChecker(), settings };
}

/** Per project, the modification time of each file it read from disk, when it read it. */
const readTimes = new WeakMap<Project, Map<string, number>>();

function modified(file: string): number | undefined {
  return statSync(file, { throwIfNoEntry: false })?.mtimeMs;
}

function recordTimes(project: Project, program: ts.Program): void {
  let times = readTimes.get(project);
  if (!times) readTimes.set(project, (times = new Map()));
  for (const file of program.getSourceFiles()) {
    if (times.has(file.fileName) || program.isSourceFileDefaultLibrary(file)) continue;
    const time = modified(file.fileName);
    if (time !== undefined) times.set(file.fileName, time);
  }
}

/**
 * Reads again every file a project holds that changed on disk since it was read. For a process
 * that resumes a compiler snapshot (snapshot/entry.ts): its projects were filled when the
 * snapshot was built, maybe days and an `npm install` ago.
 */
export function refreshChangedFiles(): void {
  for (const project of projects.values()) {
    const times = readTimes.get(project);
    if (!times) continue;
    for (const [file, time] of times) {
      const now = modified(file);
      if (now === time) continue;
      times.delete(file);
      project.getSourceFile(file)?.refreshFromFileSystemSync();
    }
  }
}

/**
 * Every file a compilation read: the probe, its local imports, declarations outside TypeScript's
 * own lib files, and the tsconfig chain. A cache of compiled objects keys on their contents.
 */
export function inputsOf(loaded: LoadedSource): string[] {
  const files = loaded.program
    .getSourceFiles()
    .filter((f) => !loaded.program.isSourceFileDefaultLibrary(f))
    .map((f) => f.fileName);
  return [...new Set([...files, ...loaded.settings.configFiles])];
}

/** tsc's diagnostics on the probe file alone (syntax, then types). */
export function tscDiagnostics(loaded: LoadedSource): readonly ts.Diagnostic[] {
  const syntactic = loaded.program.getSyntacticDiagnostics(loaded.sourceFile);
  if (syntactic.length > 0) return syntactic;
  return loaded.program.getSemanticDiagnostics(loaded.sourceFile);
}
