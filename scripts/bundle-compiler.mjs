// Bundles @tsbpf/compiler's built JavaScript (tsc's output in dist/) with ts-morph and TypeScript
// into one CommonJS file, dist/compiler.cjs, which the package's exports name for Node: one file
// instead of ~200 modules and ts-morph's tree, and the single script Node's start-up snapshot
// builder can load (packages/compiler/src/snapshot/entry.ts). Run by the compiler's `build` script
// after tsc, from the package's folder. tsc's ES modules stay in dist/ for the repository's own
// tools (the fuzzer, the conformance harness), which import them by path.
import { build } from "esbuild";
import { join } from "node:path";

const dir = process.cwd();
await build({
  entryPoints: [join(dir, "dist", "bundle-entry.js")],
  outfile: join(dir, "dist", "compiler.cjs"),
  bundle: true,
  platform: "node",
  target: "node20",
  format: "cjs",
  // CommonJS: import.meta.url is the file's URL, as in the ES modules.
  define: { "import.meta.url": "__tsbpfImportMetaUrl" },
  banner: { js: 'var __tsbpfImportMetaUrl = require("node:url").pathToFileURL(__filename).href;' },
  // Whitespace only: names stay readable in stack traces.
  minifyWhitespace: true,
  sourcemap: "linked",
  sourcesContent: false,
  logLevel: "warning",
  legalComments: "none",
});
