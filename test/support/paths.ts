import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
export const cliPath = join(repoRoot, "packages", "tsbpf", "dist", "cli.js");
export const example = (name: string) => join(repoRoot, "examples", name);
export const fixture = (name: string) => join(repoRoot, "test", "fixtures", name);
