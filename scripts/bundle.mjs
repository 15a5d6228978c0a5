// Bundles a package's built JavaScript (tsc's output in dist/) into one file per entry, for start-up:
// Node pays per module file it resolves, reads and links (@tsbpf/object's ~60 files cost ~50 ms of CPU
// against ~9 ms as one file; bench/RESULTS.md "Start-up"). Run by each package's `build` script after
// tsc, from the package's folder: `node ../../scripts/bundle.mjs`.
//
// - dist/index.js (and dist/cli.js for tsbpf) are replaced by their bundles, so that every import of
//   the package, by name or by path, gets the same single copy of its classes;
// - dist/index.cjs is the CommonJS build (package.json `exports` "require"), for require() and for
//   CommonJS under tsx;
// - other @tsbpf packages stay external (each has its own bundle, and one copy of each class), as do
//   the compiler (imported lazily, only when compiling) and what the runtime loads with createRequire
//   (node-gyp-build, the native shim, the demangler); small dependencies (zod/mini, commander,
//   picocolors) are inlined, zod tree-shaken.
// - tsbpf's ESM entries share chunks (dist/chunks/), and a command's module stays a chunk of its own
//   that is loaded when the command runs, as its lazy import() says.
import { build } from "esbuild";
import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";

const dir = process.cwd();
const manifest = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
const entries = manifest.name === "tsbpf" ? ["index", "cli"] : ["index"];

const common = {
  bundle: true,
  platform: "node",
  target: "node20",
  // @tsbpf/* stay separate packages; the compiler (and TypeScript with it) is only ever imported lazily.
  external: ["@tsbpf/*"],
  allowOverwrite: true,
  sourcemap: "linked",
  logLevel: "warning",
  legalComments: "none",
};

rmSync(join(dir, "dist", "chunks"), { recursive: true, force: true });

// CommonJS first: both builds read tsc's dist/index.js, which the ES module build then replaces.
// CommonJS: import.meta.url is the file's URL, as in the ES module build.
await build({
  ...common,
  entryPoints: [join(dir, "dist", "index.js")],
  outfile: join(dir, "dist", "index.cjs"),
  format: "cjs",
  define: { "import.meta.url": "__tsbpfImportMetaUrl" },
  banner: { js: 'var __tsbpfImportMetaUrl = require("node:url").pathToFileURL(__filename).href;' },
});

// ES modules: inlined CommonJS dependencies (commander) call require() for Node's modules.
await build({
  ...common,
  entryPoints: Object.fromEntries(entries.map((e) => [e, join(dir, "dist", `${e}.js`)])),
  outdir: join(dir, "dist"),
  format: "esm",
  splitting: entries.length > 1,
  chunkNames: "chunks/[name]-[hash]",
  banner: { js: 'import { createRequire as __tsbpfCreateRequire } from "node:module"; const require = __tsbpfCreateRequire(import.meta.url);' },
});
