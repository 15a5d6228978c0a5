/**
 * The user's project settings: a probe file is type-checked with the compiler options of the
 * nearest tsconfig.json above it (lib, types, paths, module resolution...), as the user's editor
 * and tsc check it, so that a probe file may also hold user-space code (`console`, `process`).
 * A few options are the compiler's own whatever the tsconfig says (see `forced`).
 */
import { readFileSync } from "node:fs";
import { dirname } from "node:path";
import { ts } from "ts-morph";

/** What is used when no tsconfig.json is found: the DSL's needs and nothing else. */
const defaults: ts.CompilerOptions = {
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.NodeNext,
  moduleResolution: ts.ModuleResolutionKind.NodeNext,
  strict: true,
  types: [],
};

/** Libraries the DSL's declarations need, added to the user's. */
const dslLibs = ["lib.es2023.d.ts", "lib.esnext.decorators.d.ts", "lib.esnext.disposable.d.ts"];

/** Options that are the compiler's, whatever the tsconfig says. */
const forced: ts.CompilerOptions = {
  skipLibCheck: true,
  noEmit: true,
  allowImportingTsExtensions: true,
  // The DSL's decorators are standard decorators; a tsconfig that asks for legacy ones gets a
  // TSBPF diagnostic (and the probe is checked as standard, so that only that one is reported).
  experimentalDecorators: false,
  emitDecoratorMetadata: false,
  // switch falls through as in C (the language has it; a comment cannot silence tsc's check).
  noFallthroughCasesInSwitch: false,
  // Emit-only settings that conflict with noEmit.
  composite: false,
  incremental: false,
  declaration: false,
  declarationMap: false,
  emitDeclarationOnly: false,
};

/** Where a tsconfig asks for legacy decorators: the file and the `"experimentalDecorators"` span. */
export interface LegacyDecoratorsSetting {
  file: string;
  text: string;
  start: number;
  end: number;
}

export interface ProjectSettings {
  /** The tsconfig.json in force, or undefined when none was found above the probe. */
  configFile?: string;
  /** The tsconfig.json and every file it extends: inputs of the compilation. */
  configFiles: string[];
  options: ts.CompilerOptions;
  /** Set when the tsconfig (or one it extends) turns on experimentalDecorators. */
  legacyDecorators?: LegacyDecoratorsSetting;
}

/** Parsed settings by tsconfig path, kept while the files' texts are unchanged. */
const parsed = new Map<string, { texts: string[]; settings: ProjectSettings }>();

function readText(file: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch {
    return "";
  }
}

/** The nearest tsconfig.json at or above `dir`, as tsc and editors find it. */
export function findTsconfig(dir: string): string | undefined {
  return ts.findConfigFile(dir, ts.sys.fileExists, "tsconfig.json");
}

/** The compiler options for a probe file: its nearest tsconfig's, with the compiler's own on top. */
export function settingsFor(probeFile: string): ProjectSettings {
  const configFile = findTsconfig(dirname(probeFile));
  if (!configFile) return { configFiles: [], options: withForced(defaults) };
  const cached = parsed.get(configFile);
  if (cached && cached.settings.configFiles.every((f, i) => readText(f) === cached.texts[i])) return cached.settings;
  const settings = parseTsconfig(configFile);
  parsed.set(configFile, { texts: settings.configFiles.map(readText), settings });
  return settings;
}

function parseTsconfig(configFile: string): ProjectSettings {
  // The file list is not needed (the probe is the one root): an empty directory listing spares
  // the walk over the project that `include` globs would take.
  const host: ts.ParseConfigFileHost = {
    ...ts.sys,
    readDirectory: () => [],
    onUnRecoverableConfigFileDiagnostic: () => undefined,
  };
  const result = ts.getParsedCommandLineOfConfigFile(configFile, undefined, host);
  const user = result?.options ?? {};
  const tree = result?.options.configFile as ts.TsConfigSourceFile | undefined;
  const configFiles = [configFile, ...(tree?.extendedSourceFiles ?? [])];
  const settings: ProjectSettings = { configFile, configFiles, options: withForced(user) };
  if (user.experimentalDecorators) settings.legacyDecorators = legacySetting(configFiles);
  return settings;
}

function withForced(user: ts.CompilerOptions): ts.CompilerOptions {
  const options: ts.CompilerOptions = { ...user, ...forced };
  // The parsed JSON tree is not an option for a program of our own; configFilePath stays: `types`
  // resolve from the tsconfig's folder, not from the working directory.
  delete options.configFile;
  delete options.tsBuildInfoFile;
  delete options.outDir;
  delete options.outFile;
  delete options.rootDir;
  options.lib = [...new Set([...(user.lib ?? [ts.getDefaultLibFileName(user)]), ...dslLibs])];
  // "tsbpf" as the DSL with the user-space API loosely typed (packages/tsbpf/src/probe.ts): the
  // runtime's declarations would cost every build a third of its time.
  options.customConditions = [...new Set([...(user.customConditions ?? []), "tsbpf-probe"])];
  return options;
}

/** Finds `"experimentalDecorators": true` in the tsconfig chain (the nearest file first). */
function legacySetting(configFiles: string[]): LegacyDecoratorsSetting {
  for (const file of configFiles) {
    const text = readText(file);
    const match = /"experimentalDecorators"\s*:\s*true/.exec(text);
    if (match) return { file, text, start: match.index, end: match.index + '"experimentalDecorators"'.length };
  }
  const file = configFiles[0]!;
  return { file, text: readText(file), start: 0, end: 1 };
}
