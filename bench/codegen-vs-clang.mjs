#!/usr/bin/env node
// Prints the instruction-count table of tsbpf against clang -O2 for every example (see
// codegen-compare.mjs for what is measured; `npm run bench` runs it too, through codegen.bench.mjs).
//   npm run build && node bench/codegen-vs-clang.mjs [--json]
import { compare, markdown } from "./codegen-compare.mjs";

const table = await compare();
console.log(process.argv.includes("--json") ? JSON.stringify(table, null, 2) : markdown(table));
