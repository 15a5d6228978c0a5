// The guest script and its cases, bundled into one file with esbuild: under TCG every module the
// guest imports over the 9p root share costs ~0.1 s. The runtime is already one file
// (packages/runtime/dist/index.js, scripts/bundle.mjs) and stays external: its native shim's
// loader finds the prebuilt addon (through node-gyp-build, from the runtime's package folder)
// relative to its own import.meta.url, which a copy inside this bundle would not have.
//
//   node test/vm/bundle-guest.mjs <outfile>     (test/other-kernel.test.ts, scripts/core-on-vm.sh)
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { build } from "esbuild";

const here = dirname(fileURLToPath(import.meta.url));
const runtimeDist = resolve(here, "..", "..", "packages", "runtime", "dist");
/** The runtime's bundle, and (for a build without bundles) its shim loader and door. */
const unbundled = new Set([join(runtimeDist, "index.js"), join(runtimeDist, "sys", "native.js"), join(runtimeDist, "sys", "door.js")]);

/** Writes the bundled guest script to `outfile`; run it as `node <outfile> <objects dir>`. */
export async function bundleGuest(outfile) {
  await build({
    entryPoints: [join(here, "other-kernel.guest.mjs")],
    outfile,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    logLevel: "warning",
    plugins: [
      {
        name: "tsbpf-runtime-shim-loader",
        setup(b) {
          b.onResolve({ filter: /(^|\/)(native|door|index)\.js$/ }, (args) => {
            const path = resolve(args.resolveDir, args.path);
            return unbundled.has(path) ? { path: pathToFileURL(path).href, external: true } : undefined;
          });
        },
      },
    ],
  });
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  if (!process.argv[2]) throw new Error("usage: node test/vm/bundle-guest.mjs <outfile>");
  await bundleGuest(resolve(process.argv[2]));
}
