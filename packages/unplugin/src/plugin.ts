/**
 * The plugin, written once on unplugin and served to each bundler (vite.ts, rollup.ts, …).
 *
 * - Probe modules (`*.bpf.ts` by default) are compiled at build time; the bundle gets their
 *   objects embedded and their program bodies replaced (probe-module.ts). A compile error fails
 *   the build with the TypeScript file, line and column; the probe's local imports are watched.
 * - `import("@tsbpf/compiler")` (or its `/snapshot` entry) inside tsbpf resolves to a stub (stub/compiler-stub.js): the
 *   bundle never holds the compiler or TypeScript.
 * - `@tsbpf/runtime` stays external (it loads a native `.node` addon from its package folder),
 *   as bundles do with native addons.
 */
import { dirname, join } from "node:path";
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { createUnplugin, type UnpluginBuildContext, type UnpluginContext } from "unplugin";
import { localImports } from "./local-imports.js";
import { resolveOptions, type Options } from "./options.js";
import { buildProbeModule, type ReportedDiagnostic } from "./probe-module.js";

export const compilerStubPath = fileURLToPath(new URL("../stub/compiler-stub.js", import.meta.url));

const runtimeId = /^@tsbpf\/runtime(?:\/|$)/;

/** What tsbpf imports the compiler as: the package, and its snapshot entry (compile-cached.ts). */
const compilerIds = new Set(["@tsbpf/compiler", "@tsbpf/compiler/snapshot"]);

export const unplugin = createUnplugin<Options | undefined>((rawOptions) => {
  const options = resolveOptions(rawOptions);
  return {
    name: "tsbpf",
    // Before the bundler's own TypeScript step: the compiler and the body stripping read the
    // module as written.
    enforce: "pre",

    resolveId: {
      filter: { id: /^@tsbpf\/(?:compiler|runtime)(?:\/|$)/ },
      handler(id, importer) {
        if (runtimeId.test(id)) return options.externalRuntime ? { id, external: true } : null;
        if (compilerIds.has(id) && importer !== undefined && insideTsbpf(importer)) return compilerStubPath;
        return null;
      },
    },

    // esbuild hands what resolveId returns to the plugin's own load hook (its namespace).
    load: {
      filter: { id: { include: [exactly(compilerStubPath)] } },
      handler(id) {
        return id === compilerStubPath ? readFileSync(compilerStubPath, "utf8") : null;
      },
    },

    transform: {
      filter: { id: { include: options.include, exclude: options.exclude } },
      async handler(code, id) {
        const file = id.replace(/\?.*$/, "");
        // Watch before compiling, so that fixing an imported file rebuilds a failed probe too.
        for (const dependency of localImports(file, code)) this.addWatchFile(dependency);
        const result = await buildProbeModule(file, code, options.sourceRoot);
        for (const warning of result.warnings) this.warn(message(warning));
        if (!result.ok) return fail(this, file, result.errors);
        if (!result.module) return null;
        return { code: result.module.code, map: result.module.map ?? null };
      },
    },

    // webpack and rspack take externals from their own plugin, not from resolveId.
    webpack(compiler) {
      if (options.externalRuntime) new compiler.webpack.ExternalsPlugin("import", [runtimeId]).apply(compiler);
    },
    rspack(compiler) {
      if (options.externalRuntime) new compiler.rspack.ExternalsPlugin("import", [runtimeId]).apply(compiler);
    },
  };
});

function exactly(path: string): RegExp {
  return new RegExp(`^${path.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}$`);
}

function message(d: ReportedDiagnostic) {
  // Bundlers count columns from 0 (rollup, vite, esbuild); the diagnostic's text says line:column from 1, as tsc does.
  return { message: d.text, id: d.file, loc: { file: d.file, line: d.line, column: d.column - 1 } };
}

/**
 * Reports the errors through the bundler (all of them in one message: the first one's location
 * is the error's). rollup's and vite's `error` throws; webpack's and esbuild's record the error
 * and the build fails at its end, so the module handed on throws if it ever runs.
 */
function fail(context: UnpluginBuildContext & UnpluginContext, file: string, errors: ReportedDiagnostic[]) {
  const first = message(errors[0]!);
  context.error({ ...first, message: `${errors.map((e) => e.text).join("\n\n")}\n\ntsbpf: ${file} does not compile` });
  return { code: `throw new Error(${JSON.stringify(`tsbpf: ${file} does not compile`)});\n`, map: null };
}

const packageNames = new Map<string, string | undefined>();

/**
 * Whether `file` belongs to the tsbpf package: its nearest package.json with a name names it (a
 * nameless one, such as `{ "type": "module" }` in a dist folder, belongs to the package above).
 */
function insideTsbpf(file: string): boolean {
  let dir = dirname(file.replace(/\?.*$/, ""));
  for (;;) {
    if (!packageNames.has(dir)) {
      const manifest = join(dir, "package.json");
      let name: string | undefined;
      try {
        name = existsSync(manifest) ? (JSON.parse(readFileSync(manifest, "utf8")) as { name?: string }).name : undefined;
      } catch {
        name = undefined; // unreadable: look further up
      }
      packageNames.set(dir, name);
    }
    const name = packageNames.get(dir);
    if (name !== undefined) return name === "tsbpf";
    const parent = dirname(dir);
    if (parent === dir) return false;
    dir = parent;
  }
}
