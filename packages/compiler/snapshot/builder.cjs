// The script Node's snapshot builder runs (`node --snapshot-blob B --build-snapshot
// snapshot/builder.cjs`): it runs the compiler's bundle, dist/compiler.cjs, whose
// src/snapshot/entry.ts warms the compiler up and names what a resumed process does. The builder
// gives a script `require` for Node's own modules only and no `module` or `exports`, so the bundle
// is run here as CommonJS runs it, as a function of exports, require and module. (Plain
// JavaScript, not TypeScript: tsc would give this file an `exports` it cannot have.)
"use strict";
const fs = require("node:fs");
const path = require("node:path");
const vm = require("node:vm");

const bundle = path.join(__dirname, "..", "dist", "compiler.cjs");
const run = vm.compileFunction(fs.readFileSync(bundle, "utf8"), ["exports", "require", "module", "__filename", "__dirname"], { filename: bundle });
const bundleModule = { exports: {} };
run(bundleModule.exports, require, bundleModule, bundle, path.dirname(bundle));
