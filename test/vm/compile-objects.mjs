// Compiles the objects of test/vm/guest-objects.mjs into a folder with the built compiler
// (packages/compiler/dist), for scripts/core-on-vm.sh; test/other-kernel.test.ts compiles the
// same list from the sources.
//   node test/vm/compile-objects.mjs <dir>
import { writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { compileFile } from "../../packages/compiler/dist/index.js";
import { guestObjects } from "./guest-objects.mjs";

const dir = process.argv[2];
if (!dir) throw new Error("usage: node test/vm/compile-objects.mjs <dir>");
const root = resolve(import.meta.dirname, "..", "..");
const compiled = new Map();
for (const [file, [relative, className]] of Object.entries(guestObjects)) {
  const source = join(root, relative);
  if (!compiled.has(source)) compiled.set(source, compileFile(source));
  const probe = compiled.get(source).probes.find((p) => p.className === className);
  if (!probe) throw new Error(`${relative}: no probe ${className}: ${compiled.get(source).diagnostics.map((d) => d.message).join("; ")}`);
  writeFileSync(join(dir, file), probe.elf);
}
