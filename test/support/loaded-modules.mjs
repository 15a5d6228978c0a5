// Preloaded with `node --import` by tests that check what a process loads: when the process exits,
// the paths of its CommonJS modules (TypeScript and ts-morph are CommonJS, also when imported from
// ES modules) go as JSON to the file named by TSBPF_TEST_MODULES.
import { writeFileSync } from "node:fs";
import { Module } from "node:module";

const out = process.env.TSBPF_TEST_MODULES;
if (out) process.on("exit", () => writeFileSync(out, JSON.stringify(Object.keys(Module._cache))));
