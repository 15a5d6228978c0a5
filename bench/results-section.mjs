// One benchmark's section of bench/RESULTS.md, between its own markers, rewritten in place (the
// other benchmarks' sections are left as they are); appended the first time.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const file = fileURLToPath(new URL("./RESULTS.md", import.meta.url));

export function writeResultsSection(name, text) {
  const begin = `<!-- ${name}: begin -->`;
  const end = `<!-- ${name}: end -->`;
  const section = `${begin}\n${text.trimEnd()}\n${end}`;
  const old = existsSync(file) ? readFileSync(file, "utf8") : "# Benchmark results\n";
  const at = old.indexOf(begin);
  const after = at >= 0 ? old.indexOf(end, at) : -1;
  writeFileSync(file, at >= 0 && after >= 0 ? old.slice(0, at) + section + old.slice(after + end.length) : `${old.trimEnd()}\n\n${section}\n`);
}
