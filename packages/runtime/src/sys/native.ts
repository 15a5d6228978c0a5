/**
 * Loads the Node-API shim (native/shim.c, built into build/shim.node by `npm install`) and
 * registers it as the production door. This file is the only one that knows the shim exists.
 */
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { setDoorFactory, type Door } from "./door.js";

/** Where the shim is, from src/sys or dist/sys alike. */
export const shimPath = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "build", "shim.node");

/** Why the native door cannot be used here, or undefined when it can. */
export function nativeUnavailableReason(): string | undefined {
  if (process.platform !== "linux") return `tsbpf's runtime needs Linux (this is ${process.platform})`;
  if (!existsSync(shimPath)) {
    return `tsbpf's native shim is not built (${shimPath} is missing): run npm install, or npm run build:native -w @tsbpf/runtime`;
  }
  return undefined;
}

export function loadNativeDoor(): Door {
  const reason = nativeUnavailableReason();
  if (reason) throw new Error(reason);
  const require = createRequire(import.meta.url);
  try {
    return require(shimPath) as Door;
  } catch (cause) {
    throw new Error(
      `tsbpf's native shim at ${shimPath} does not load (${(cause as Error).message}): ` +
        "rebuild it with npm run build:native -w @tsbpf/runtime -- --force",
      { cause },
    );
  }
}

setDoorFactory(loadNativeDoor);
