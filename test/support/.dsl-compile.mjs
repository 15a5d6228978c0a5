import { compileFile, formatDiagnostic } from "@tsbpf/compiler";
import { readFileSync } from "node:fs";
const file = process.argv[2];
const r = compileFile(file);
for (const d of r.diagnostics) console.log(formatDiagnostic(d, readFileSync(file, "utf8")));
console.log(r.probes.map(p => p.className + " " + p.elf.length));
