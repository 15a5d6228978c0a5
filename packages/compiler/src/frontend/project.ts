/**
 * The one ts-morph Project of the process, with in-memory compiler options (no tsconfig lookup),
 * reused across compilations: lib files and tsbpf's declarations are parsed once, and a probe file
 * is swapped in by name, so that a recompilation costs only the probe's own checking.
 */
import { Project, ts } from "ts-morph";
import { serveVmlinuxSlices, slicingFileSystem } from "./vmlinux-slices.js";

let shared: Project | undefined;

const compilerOptions: ts.CompilerOptions = {
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.NodeNext,
  moduleResolution: ts.ModuleResolutionKind.NodeNext,
  strict: true,
  lib: ["lib.es2023.d.ts", "lib.esnext.decorators.d.ts", "lib.esnext.disposable.d.ts"],
  types: [],
  skipLibCheck: true,
  noEmit: true,
  allowImportingTsExtensions: true,
  // "tsbpf" is the DSL with the user-space API loosely typed (packages/tsbpf/src/probe.ts): the
  // runtime's declarations would cost every build a third of its time.
  customConditions: ["tsbpf-probe"],
  // switch falls through as in C (the language has it; a comment cannot silence tsc's check).
  noFallthroughCasesInSwitch: false,
};

export function sharedProject(): Project {
  shared ??= new Project({ compilerOptions, skipAddingFilesFromTsConfig: true, skipFileDependencyResolution: false, fileSystem: slicingFileSystem() });
  return shared;
}

export interface LoadedSource {
  sourceFile: ts.SourceFile;
  program: ts.Program;
  checker: ts.TypeChecker;
}

/** Local source files (not declarations, outside node_modules) that programs read besides their probe: probes' imports. */
const localImports = new Set<string>();

/** Puts the probe file's text into the project (replacing an earlier version) and type-checks. */
export function loadSource(fileName: string, text: string): LoadedSource {
  const project = sharedProject();
  // Other probe files of earlier calls would make every program bigger: keep only this one.
  for (const other of project.getSourceFiles()) {
    if (other.getFilePath() !== fileName && !other.isInNodeModules() && !other.isDeclarationFile()) {
      project.removeSourceFile(other);
    }
  }
  // ts-morph caches the files a probe imports outside the project and never re-reads them: an
  // edit to one (a bundler's watch mode, a long-lived process) would compile the old text.
  for (const imported of localImports) project.getSourceFile(imported)?.refreshFromFileSystemSync();
  serveVmlinuxSlices(project, fileName, text, compilerOptions);
  const morph = project.createSourceFile(fileName, text, { overwrite: true });
  const program = project.getProgram().compilerObject;
  for (const { fileName: read } of program.getSourceFiles()) {
    if (read !== morph.getFilePath() && !read.endsWith(".d.ts") && !/[\\/]node_modules[\\/]/.test(read)) localImports.add(read);
  }
  const sourceFile = program.getSourceFile(morph.getFilePath()) ?? morph.compilerNode;
  return { sourceFile, program, checker: program.getTypeChecker() };
}

/** tsc's diagnostics on the probe file alone (syntax, then types). */
export function tscDiagnostics(loaded: LoadedSource): readonly ts.Diagnostic[] {
  const syntactic = loaded.program.getSyntacticDiagnostics(loaded.sourceFile);
  if (syntactic.length > 0) return syntactic;
  return loaded.program.getSemanticDiagnostics(loaded.sourceFile);
}
