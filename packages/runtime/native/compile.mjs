// Compiles the Node-API shim (shim.c) for one target into one .node file. Shared by build.mjs
// (the host, from source) and prebuild.mjs (the four published prebuilds, cross-compiled).
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const nativeDir = dirname(fileURLToPath(import.meta.url));
export const shimSource = join(nativeDir, "shim.c");

/** Node-API headers: the running Node's own (official builds ship include/node), or a distribution's. */
export function nodeApiIncludeDir() {
  const candidates = [
    join(dirname(process.execPath), "..", "include", "node"),
    process.env.npm_config_nodedir && join(process.env.npm_config_nodedir, "include", "node"),
    "/usr/include/node",
    "/usr/local/include/node",
  ].filter(Boolean);
  const found = candidates.find((dir) => existsSync(join(dir, "node_api.h")));
  if (!found) {
    throw new Error(`node_api.h not found (looked in ${candidates.join(", ")}); install Node's headers (Debian: libnode-dev)`);
  }
  return found;
}

/**
 * A folder holding only the kernel's UAPI headers (linux/, asm/, asm-generic/) for a musl build:
 * musl's gcc wrapper searches musl's own include folder and nothing else, and the kernel headers
 * of /usr/include cannot be added whole, since glibc's headers live beside them.
 */
function kernelHeadersOnly(uapiRoot, asmDir) {
  const dir = mkdtempSync(join(tmpdir(), "tsbpf-uapi-"));
  symlinkSync(join(uapiRoot, "linux"), join(dir, "linux"));
  symlinkSync(join(uapiRoot, "asm-generic"), join(dir, "asm-generic"));
  symlinkSync(asmDir, join(dir, "asm"));
  return dir;
}

/**
 * Compiles shim.c with `target.cc` into `output` (written through a temporary file and renamed,
 * so a concurrent reader never sees half a file). `target.libc` "musl" adds the musl shims;
 * `target.uapi` names the kernel headers ({ root, asm }) when the compiler does not see them itself.
 */
export function compileShim(target, output) {
  const flags = ["-O2", "-Wall", "-Wextra", "-Werror", "-fPIC", "-shared", "-std=gnu11", `-I${nodeApiIncludeDir()}`];
  let uapi;
  if (target.libc === "musl") flags.push("-include", join(nativeDir, "musl-compat.h"));
  if (target.uapi) {
    uapi = kernelHeadersOnly(target.uapi.root, target.uapi.asm);
    flags.push("-isystem", uapi);
  }
  mkdirSync(dirname(output), { recursive: true });
  const partial = `${output}.${process.pid}.tmp`;
  try {
    execFileSync(target.cc, [...flags, "-o", partial, shimSource], { stdio: "inherit" });
    renameSync(partial, output);
  } finally {
    rmSync(partial, { force: true });
    if (uapi) rmSync(uapi, { recursive: true, force: true });
  }
}
