/**
 * Tells declarations of the tsbpf package apart from user code, by the package that holds their
 * file (not by their names: a user's own `u32` or `HashMap` is not the DSL's).
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";

const packageOfDir = new Map<string, string | undefined>();

/** The `name` of the nearest package.json above a file, cached per directory. */
export function packageNameOf(file: string): string | undefined {
  return nameForDir(dirname(file));
}

function nameForDir(dir: string): string | undefined {
  if (packageOfDir.has(dir)) return packageOfDir.get(dir);
  let name: string | undefined;
  const manifest = join(dir, "package.json");
  if (existsSync(manifest)) {
    try {
      name = (JSON.parse(readFileSync(manifest, "utf8")) as { name?: string }).name;
    } catch {
      name = undefined;
    }
  } else {
    const parent = dirname(dir);
    name = parent === dir ? undefined : nameForDir(parent);
  }
  packageOfDir.set(dir, name);
  return name;
}

/** Whether a file belongs to the DSL: the tsbpf package's `dsl` sources or their declarations. */
export function isDslFile(file: string): boolean {
  return /[\\/]dsl[\\/][^\\/]+\.(d\.ts|ts)$/.test(file) && packageNameOf(file) === "tsbpf";
}
