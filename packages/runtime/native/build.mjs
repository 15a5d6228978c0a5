// Builds the Node-API shim (native/shim.c -> build/shim.node) with the system C compiler against
// the running Node's headers. Run by the repository's `npm install` (postinstall).
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const source = join(here, "shim.c");
const output = join(here, "..", "build", "shim.node");

if (process.platform !== "linux") {
  console.log("tsbpf: not Linux, the runtime's native shim is not built (compiling still works).");
  process.exit(0);
}

const candidates = [
  join(dirname(process.execPath), "..", "include", "node"),
  process.env.npm_config_nodedir && join(process.env.npm_config_nodedir, "include", "node"),
  "/usr/include/node",
  "/usr/local/include/node",
].filter(Boolean);
const include = candidates.find((dir) => existsSync(join(dir, "node_api.h")));
if (!include) {
  console.error(`tsbpf: node_api.h not found (looked in ${candidates.join(", ")}); install Node's headers.`);
  process.exit(1);
}

if (existsSync(output) && statSync(output).mtimeMs > statSync(source).mtimeMs && !process.argv.includes("--force")) {
  process.exit(0);
}
mkdirSync(dirname(output), { recursive: true });
const cc = process.env.CC ?? "cc";
execFileSync(cc, ["-O2", "-Wall", "-Wextra", "-Werror", "-fPIC", "-shared", "-std=gnu11",
  `-I${include}`, "-o", output, source], { stdio: "inherit" });
console.log(`tsbpf: built ${output}`);
