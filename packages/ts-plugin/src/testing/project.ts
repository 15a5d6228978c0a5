/**
 * A throwaway project for the editor tests: `tsbpf init`'s tsconfig.json (which configures the
 * tsserver plugin) and a copy of the example, in a folder under this package, so that "tsbpf",
 * "@tsbpf/ts-plugin" and typescript resolve from the repository's node_modules as they would
 * from a user's.
 */
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { tsconfig } from "../../../tsbpf/src/cli/init-templates.js";
import { examplePath } from "./scenarios.js";

export interface TestProject {
  dir: string;
  probe: string;
  remove(): void;
}

export function testProject(): TestProject {
  const parent = fileURLToPath(new URL("../../.test-projects/", import.meta.url));
  mkdirSync(parent, { recursive: true });
  const dir = mkdtempSync(parent);
  writeFileSync(join(dir, "tsconfig.json"), tsconfig);
  const probe = join(dir, "unlink.bpf.ts");
  copyFileSync(examplePath, probe);
  return { dir, probe, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
