// Cross-compiles the runtime's shim for every published target (targets.mjs) into prebuilds/.
// Run by `npm pack`/`npm publish` (prepack) and by the tests that check the prebuilt files.
// A file newer than the shim's source and these scripts is kept, unless --force.
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { compileShim, nativeDir } from "./compile.mjs";
import { prebuildPath, prebuildTargets } from "./targets.mjs";

const packageDir = join(nativeDir, "..");
const force = process.argv.includes("--force");

function onPath(command) {
  try {
    execFileSync("sh", ["-c", `command -v ${command}`], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

const missing = prebuildTargets.filter((target) => !onPath(target.cc));
if (missing.length > 0) {
  console.error(
    `tsbpf: cannot cross-compile the runtime's prebuilt shims: ${missing.map((t) => t.cc).join(", ")} not found ` +
      `(Debian packages: ${missing.map((t) => t.debian).join(", ")}); bash scripts/ensure-test-tools.sh installs them`,
  );
  process.exit(1);
}

const inputsTime = Math.max(
  ...readdirSync(nativeDir).map((name) => statSync(join(nativeDir, name)).mtimeMs),
);
for (const target of prebuildTargets) {
  const output = join(packageDir, prebuildPath(target));
  if (!force && existsSync(output) && statSync(output).mtimeMs > inputsTime) continue;
  compileShim(target, output);
  console.error(`tsbpf: built ${prebuildPath(target)}`); // stderr: `npm pack --json` reads stdout
}
