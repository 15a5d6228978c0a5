/**
 * Loads the Node-API shim (native/shim.c) and registers it as the production door. This file is
 * the only one that knows the shim exists.
 *
 * The shim is found the way the ecosystem finds prebuilt addons, by node-gyp-build's rules (its
 * two usual answers checked directly first, see knownShimPath): a build from source in build/Release/ first (the repository's `npm install` makes one; so does
 * native/build.mjs in an app), then `prebuilds/<platform>-<arch>/@tsbpf+runtime.<libc>.node`,
 * which the published package carries for linux x64 and arm64, glibc and musl.
 */
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { setDoorFactory, type Door } from "./door.js";

/**
 * The runtime package's folder: the nearest package.json named @tsbpf/runtime above this module
 * (src/sys/, or dist/ where the build bundles the runtime into one file).
 */
function findPackageDir(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  for (let dir = here; ; dir = dirname(dir)) {
    const manifest = join(dir, "package.json");
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, "utf8")) as { name?: string }).name === "@tsbpf/runtime") return dir;
    if (dirname(dir) === dir) return join(here, "..", ".."); // not installed as a package: the source layout
  }
}

const packageDir = findPackageDir();
const require = createRequire(import.meta.url);

interface NodeGypBuild {
  resolve(dir: string): string;
}

/** The one command that builds the shim from source for this machine. */
export const buildFromSourceCommand = `node ${join(packageDir, "native", "build.mjs")}`;

/**
 * Where node-gyp-build looks first, found without loading it: a build from source in
 * build/Release/, else this platform's prebuilt file for this libc (chosen as node-gyp-build
 * chooses: $LIBC, else musl where /etc/alpine-release exists). Loading node-gyp-build starts
 * Node's CommonJS loader, ~7 ms of an ES module app's first load() (bench/RESULTS.md
 * "Start-up"); any other layout still goes through it.
 */
function knownShimPath(): string | undefined {
  const built = join(packageDir, "build", "Release", "tsbpf_shim.node");
  if (existsSync(built)) return built;
  const libc = process.env.LIBC || (existsSync("/etc/alpine-release") ? "musl" : "glibc");
  const prebuilt = join(packageDir, "prebuilds", `${process.platform}-${process.arch}`, `@tsbpf+runtime.${libc}.node`);
  return existsSync(prebuilt) ? prebuilt : undefined;
}

/** The shim file that would be loaded here, or why there is none. */
function locateShim(): { path: string } | { reason: string } {
  if (process.platform !== "linux") return { reason: `tsbpf's runtime needs Linux (this is ${process.platform})` };
  const known = process.env.PREBUILDS_ONLY ? undefined : knownShimPath();
  if (known) return { path: known };
  try {
    return { path: (require("node-gyp-build") as NodeGypBuild).resolve(packageDir) };
  } catch (cause) {
    const found = (cause as Error).message.split("\n")[0];
    return {
      reason:
        `tsbpf's native shim has no prebuilt file for this machine (${found}): ` +
        `build it from source (needs a C compiler and Node's headers) with: ${buildFromSourceCommand}`,
    };
  }
}

/** Why the native door cannot be used here, or undefined when it can. */
export function nativeUnavailableReason(): string | undefined {
  const located = locateShim();
  return "reason" in located ? located.reason : undefined;
}

export function loadNativeDoor(): Door {
  const located = locateShim();
  if ("reason" in located) throw new Error(located.reason);
  try {
    // process.dlopen is what require() of a .node file does, without the CommonJS loader.
    const addon = { exports: {} as Door };
    process.dlopen(addon, located.path);
    return addon.exports;
  } catch (cause) {
    throw new Error(
      `tsbpf's native shim at ${located.path} does not load (${(cause as Error).message}): ` +
        `build it from source for this machine with: ${buildFromSourceCommand} --force`,
      { cause },
    );
  }
}

setDoorFactory(loadNativeDoor);
