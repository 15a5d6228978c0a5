// The guest script and the built runtime it imports, bundled into one file with esbuild: under
// TCG every module the guest imports over the 9p root share costs ~0.1 s, and the runtime (the
// object package, zod, ~130 modules) took 8-24 s to import on this machine. One file takes ~1 s.
//
// The native shim's loader (sys/native.js) finds the prebuilt addon relative to its own
// import.meta.url, so it stays a module of its own, loaded from packages/runtime/dist; the door
// it registers the shim with (sys/door.js) too, so that the bundle and the loader share it.
//
//   node test/vm/bundle-guest.mjs <outfile>     (test/other-kernel.test.ts, scripts/core-on-vm.sh)
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { build } from "esbuild";

const here = dirname(fileURLToPath(import.meta.url));
const runtimeSys = resolve(here, "..", "..", "packages", "runtime", "dist", "sys");
const unbundled = new Set(["native.js", "door.js"].map((file) => join(runtimeSys, file)));

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
          b.onResolve({ filter: /(^|\/)(native|door)\.js$/ }, (args) => {
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
