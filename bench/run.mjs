#!/usr/bin/env node
// `npm run bench`: runs every benchmark in bench/ (after the build) and prints a table each.
// Benchmarks measure; tests never time anything. Each benchmark module exports `run()`, which
// returns { title, rows: [{ what, value, unit, note? }], ratios?: string[], text?: string }
// (text: printed after the rows, e.g. a Markdown table).
import { readdirSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";
import { join } from "node:path";

const here = fileURLToPath(new URL(".", import.meta.url));
const only = process.argv[2];
const files = readdirSync(here)
  .filter((f) => f.endsWith(".bench.mjs") && (!only || f.includes(only)))
  .sort();

for (const file of files) {
  const { run } = await import(pathToFileURL(join(here, file)).href);
  const result = await run();
  console.log(`\n## ${result.title}\n`);
  const width = Math.max(...result.rows.map((r) => r.what.length));
  for (const r of result.rows) {
    const value = typeof r.value === "number" ? r.value.toFixed(r.digits ?? 2) : String(r.value);
    console.log(`${r.what.padEnd(width)}  ${value.padStart(10)} ${r.unit ?? ""}${r.note ? `   (${r.note})` : ""}`);
  }
  for (const line of result.ratios ?? []) console.log(`  ${line}`);
  if (result.text) console.log(`\n${result.text}`);
}
