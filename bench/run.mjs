#!/usr/bin/env node
// `npm run bench`: runs every benchmark in bench/ (after the build) and prints a table each.
// Benchmarks measure; tests never time anything. Each benchmark module exports `run()`, which
// returns { title, rows: [{ what, value, unit, note? }], ratios?: string[], text?: string }
// (text: printed after the rows, e.g. a Markdown table).
import { readdirSync } from "node:fs";
import { writeResultsSection } from "./results-section.mjs";
import { fileURLToPath, pathToFileURL } from "node:url";
import { join } from "node:path";

const here = fileURLToPath(new URL(".", import.meta.url));
const only = process.argv[2];
const files = readdirSync(here)
  .filter((f) => f.endsWith(".bench.mjs") && (!only || f.includes(only)))
  .sort();

// Everything printed also goes to its own section of bench/RESULTS.md when every benchmark ran
// (no filter argument); the other sections are left as the benchmarks wrote them.
const printed = [];
const print = (line) => {
  printed.push(line);
  console.log(line);
};

for (const file of files) {
  const { run } = await import(pathToFileURL(join(here, file)).href);
  const result = await run();
  print(`\n## ${result.title}\n`);
  const width = Math.max(...result.rows.map((r) => r.what.length));
  printed.push("```"); // the aligned rows as a block in RESULTS.md
  for (const r of result.rows) {
    const value = typeof r.value === "number" ? r.value.toFixed(r.digits ?? 2) : String(r.value);
    print(`${r.what.padEnd(width)}  ${value.padStart(10)} ${r.unit ?? ""}${r.note ? `   (${r.note})` : ""}`);
  }
  for (const line of result.ratios ?? []) print(`  ${line}`);
  printed.push("```");
  if (result.text) print(`\n${result.text}`);
}

if (!only) {
  // The rows of every benchmark in one section of their own: the benchmarks that write a section of
  // RESULTS.md (between their markers) keep it.
  const header = `## Every benchmark's rows (the last full \`npm run bench\`)\n\n${new Date().toISOString().slice(0, 10)}, Node ${process.version}, ${process.arch}.\n`;
  writeResultsSection("run.mjs", `${header}${printed.join("\n")}\n`);
}
