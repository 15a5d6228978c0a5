/**
 * tsbpf's own package folder (where its package.json is), found by walking up from this module:
 * bundling (scripts/bundle.mjs) moves code between dist/, dist/chunks/ and one-file entries, so a
 * fixed relative path to package.json would hold for one layout only.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

let root: { dir: string; version: string } | undefined;

function find(): { dir: string; version: string } {
  if (root) return root;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = join(dir, "package.json");
    if (existsSync(manifest)) {
      const json = JSON.parse(readFileSync(manifest, "utf8")) as { name?: string; version?: string };
      if (json.name === "tsbpf") return (root = { dir, version: json.version ?? "0.0.0" });
    }
    const up = dirname(dir);
    if (up === dir) throw new Error("tsbpf: cannot find tsbpf's package.json above " + fileURLToPath(import.meta.url));
    dir = up;
  }
}

/** tsbpf's package folder. */
export function packageRoot(): string {
  return find().dir;
}

/** tsbpf's version, from its package.json. */
export function tsbpfVersion(): string {
  return find().version;
}
