/**
 * `tsbpf init [folder]`: sets up a project that uses tsbpf, in an empty folder or an existing one.
 * Writes a probe, a user-space script, a vitest test and, when missing, tsconfig.json and
 * vitest.config.ts; adds the package's scripts and dependencies to package.json. A file that
 * exists is never replaced: package.json is merged (an existing script or dependency is kept, and
 * said so), any other file is skipped with a message.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { tsbpfVersion } from "../package-root.js";
import { UsageError } from "./args.js";
import * as templates from "./init-templates.js";

interface Io {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

type PackageJson = Record<string, unknown> & {
  type?: string;
  scripts?: Record<string, string>;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
};

/** A package name npm accepts, from a folder's name. */
function packageName(folder: string): string {
  const name = basename(folder).toLowerCase().replace(/[^a-z0-9._-]+/g, "-").replace(/^[._-]+/, "");
  return name || "tsbpf-app";
}

function mergePackageJson(root: string, say: (line: string) => void): void {
  const path = join(root, "package.json");
  const existed = existsSync(path);
  let manifest: PackageJson;
  if (existed) {
    try {
      manifest = JSON.parse(readFileSync(path, "utf8")) as PackageJson;
    } catch (error) {
      throw new UsageError(`package.json is not valid JSON (${(error as Error).message}); fix it and run tsbpf init again`);
    }
  } else {
    manifest = { name: packageName(root), version: "0.1.0", private: true };
  }
  const kept: string[] = [];
  if (manifest.type === undefined) {
    manifest.type = "module";
    if (existed) say(`package.json: set "type": "module" (the generated files are ES modules)`);
  } else if (manifest.type !== "module") {
    say(`package.json: "type" is "${manifest.type}", left as it is; the generated files are ES modules and need "type": "module"`);
  }
  manifest.scripts ??= {};
  for (const [name, command] of Object.entries(templates.scripts)) {
    if (manifest.scripts[name] === undefined) manifest.scripts[name] = command;
    else if (manifest.scripts[name] !== command) kept.push(`script "${name}" (tsbpf's would be: ${command})`);
  }
  const has = (dep: string) => manifest.dependencies?.[dep] !== undefined || manifest.devDependencies?.[dep] !== undefined;
  if (!has("tsbpf")) (manifest.dependencies ??= {})["tsbpf"] = `^${tsbpfVersion()}`;
  for (const [dep, range] of Object.entries(templates.devDependencies(process.versions.node.split(".")[0]!))) {
    if (!has(dep)) (manifest.devDependencies ??= {})[dep] = range;
  }
  writeFileSync(path, JSON.stringify(manifest, null, 2) + "\n");
  say(existed ? "package.json: merged scripts and dependencies" : "package.json: written");
  for (const line of kept) say(`package.json: kept your ${line}`);
}

/** Writes `text` at `relative` unless a file is there; says which. */
function writeNew(root: string, relative: string, text: string, say: (line: string) => void, ifExists = "left as it is"): void {
  const path = join(root, relative);
  if (existsSync(path)) {
    say(`${relative}: exists, ${ifExists}`);
    return;
  }
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
  say(`${relative}: written`);
}

export function init(args: string[], io: Io): number {
  if (args.length > 1 || args.some((a) => a.startsWith("-"))) throw new UsageError("tsbpf init takes at most one folder");
  const root = resolve(args[0] ?? ".");
  mkdirSync(root, { recursive: true });
  const say = (line: string) => io.stdout.write(`  ${line}\n`);
  io.stdout.write(`tsbpf init in ${root}\n`);
  mergePackageJson(root, say);
  writeNew(root, "tsconfig.json", templates.tsconfig, say, `left as it is; the DSL needs ${templates.requiredSettingsNote}`);
  writeNew(root, templates.probePath, templates.probe, say);
  writeNew(root, templates.mainPath, templates.main, say);
  writeNew(root, templates.testPath, templates.test, say);
  writeNew(root, templates.vitestConfigPath, templates.vitestConfig, say, "left as it is; probes need a transform that lowers standard decorators (unplugin-swc, as in tsbpf's template)");
  writeNew(root, templates.gitignorePath, templates.gitignore, say);
  io.stdout.write(
    "\nnext:\n" +
      "  npm install          the tools the scripts use (typescript, tsx, vitest)\n" +
      "  npm run build        compile the probe to probes/write-counter.bpf.o\n" +
      "  npm start            load it and read its map (as root)\n" +
      "  npm test             run it in the kernel under vitest (as root)\n",
  );
  return 0;
}
