#!/usr/bin/env node
// The `tsbpf` command's entry. A committed file rather than dist/cli.js itself, so that npm links
// the command at install time even in a checkout whose dist/ is not built yet.
//
// dist/cli.js is a bundle (scripts/bundle.mjs): a few files instead of a hundred. Where Node has
// a module compile cache (22.1+), it is turned on first, so that a second start reuses V8's
// compiled code of tsbpf (and, when a probe is compiled, of TypeScript) instead of compiling it
// again; TSBPF_COMPILE_CACHE=0 turns it off (NODE_DISABLE_COMPILE_CACHE=1 does too).
import module from "node:module";

if (process.env.TSBPF_COMPILE_CACHE !== "0") {
  try {
    module.enableCompileCache?.();
  } catch {
    // A cache directory that cannot be written costs speed, nothing else.
  }
}

try {
  await import("../dist/cli.js");
} catch (error) {
  if (error?.code === "ERR_MODULE_NOT_FOUND" && String(error.message).includes("dist/cli.js")) {
    console.error("tsbpf: this copy of tsbpf is not built (dist/cli.js is missing): run npm run build in its repository");
    process.exit(1);
  }
  throw error;
}
