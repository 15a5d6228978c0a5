#!/usr/bin/env node
// Extracts the minimum kernel version of every BPF helper from bcc's docs/kernel-versions.md (its
// "Helpers" table: `BPF_FUNC_<name>()` | <version> | <license> | <commit>) into
// scripts/helper-kernel-versions.json, which scripts/gen-helpers.mjs reads. The facts only: the
// version and, where the table gives it, the GPL-only flag and the commit that added the helper.
//
//   git -C <bcc clone> show HEAD:docs/kernel-versions.md > /tmp/kernel-versions.md
//   node scripts/extract-helper-versions.mjs --from /tmp/kernel-versions.md --commit <bcc commit>
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const OUT = join(root, "scripts/helper-kernel-versions.json");
const { values } = parseArgs({ options: { from: { type: "string" }, commit: { type: "string" } } });
if (!values.from || !values.commit) throw new Error("usage: --from <kernel-versions.md> --commit <bcc commit it came from>");

const text = readFileSync(values.from, "utf8");
const start = text.indexOf("\n## Helpers");
const end = text.indexOf("\n## ", start + 1);
if (start < 0) throw new Error("no '## Helpers' section");
const helpers = {};
for (const line of text.slice(start, end).split("\n")) {
  const m = /^`BPF_FUNC_(\w+)\(\)`\s*\|\s*([0-9.]+)\s*\|\s*([^|]*)\|\s*(?:\[`([0-9a-f]+)`\])?/.exec(line);
  if (!m) continue;
  if (helpers[m[1]]) throw new Error(`BPF_FUNC_${m[1]} is listed twice`);
  helpers[m[1]] = { kernel: m[2], ...(m[3].trim() === "GPL" ? { gpl: true } : {}), ...(m[4] ? { commit: m[4] } : {}) };
}
const sorted = Object.fromEntries(Object.entries(helpers).sort(([a], [b]) => a.localeCompare(b)));
writeFileSync(OUT, JSON.stringify({ source: `iovisor/bcc ${values.commit} docs/kernel-versions.md`, helpers: sorted }, null, 2) + "\n");
console.log(`wrote ${OUT}: ${Object.keys(sorted).length} helpers`);
