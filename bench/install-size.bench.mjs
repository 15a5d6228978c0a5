// Installed size of `tsbpf` and its dependencies, as a user gets them: the four workspaces packed
// (`npm pack`) and installed with npm's defaults into an empty app in a temporary folder (npm's
// cache serves the registry packages). Reports the whole node_modules and its largest parts.
import { execFileSync } from "node:child_process";
import { lstatSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const repoRoot = fileURLToPath(new URL("..", import.meta.url));
const workspaces = ["@tsbpf/object", "@tsbpf/compiler", "@tsbpf/runtime", "tsbpf"];

/** Bytes of the files under `dir` (their lengths, as `du --apparent-size` counts). */
function bytesUnder(dir) {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) total += bytesUnder(path);
    else if (entry.isFile()) total += lstatSync(path).size;
  }
  return total;
}

/** The installed packages' folders (scoped ones by scope/name). */
function packagesIn(modules) {
  return readdirSync(modules)
    .filter((name) => !name.startsWith("."))
    .flatMap((name) => (name.startsWith("@") ? readdirSync(join(modules, name)).map((inner) => `${name}/${inner}`) : [name]));
}

/** Files named typescript.js: one per copy of the TypeScript compiler. */
function typescriptCopies(dir) {
  let count = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.isDirectory()) count += typescriptCopies(join(dir, entry.name));
    else if (entry.name === "typescript.js") count++;
  }
  return count;
}

export async function run() {
  const root = mkdtempSync(join(tmpdir(), "tsbpf-size-"));
  try {
    const packs = join(root, "packs");
    const app = join(root, "app");
    mkdirSync(packs);
    mkdirSync(app);
    const packed = JSON.parse(
      execFileSync("npm", ["pack", ...workspaces.flatMap((w) => ["-w", w]), "--pack-destination", packs, "--json", "--silent"], { cwd: repoRoot, encoding: "utf8" }),
    );
    writeFileSync(join(app, "package.json"), JSON.stringify({ name: "size", private: true, type: "module" }));
    execFileSync("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund", "--silent", ...packed.map((p) => join(packs, p.filename))], { cwd: app });
    const modules = join(app, "node_modules");
    const MB = 1e6;
    const sizes = packagesIn(modules).map((name) => ({ name, bytes: bytesUnder(join(modules, name)) })).sort((a, b) => b.bytes - a.bytes);
    const total = bytesUnder(modules);
    const rows = [
      { what: "node_modules after npm i tsbpf", value: total / MB, unit: "MB", note: `${sizes.length} packages` },
      { what: "copies of TypeScript in it", value: typescriptCopies(modules), unit: "", digits: 0 },
      ...sizes.slice(0, 6).map(({ name, bytes }) => ({ what: `  ${name}`, value: bytes / MB, unit: "MB" })),
      ...packed.map((p) => ({ what: `tarball ${p.name}`, value: p.size / MB, unit: "MB", note: `${(p.unpackedSize / MB).toFixed(2)} MB unpacked` })),
    ];
    return {
      title: "Installed size of tsbpf",
      rows,
      ratios: ["issue 10 measured 76 MB with two TypeScripts (37 MB of it) before the compiler dropped its own typescript dependency"],
    };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
