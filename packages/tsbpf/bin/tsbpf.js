#!/usr/bin/env node
// The `tsbpf` command's entry. A committed file rather than dist/cli.js itself, so that npm links
// the command at install time even in a checkout whose dist/ is not built yet.
try {
  await import("../dist/cli.js");
} catch (error) {
  if (error?.code === "ERR_MODULE_NOT_FOUND" && String(error.message).includes("dist/cli.js")) {
    console.error("tsbpf: this copy of tsbpf is not built (dist/cli.js is missing): run npm run build in its repository");
    process.exit(1);
  }
  throw error;
}
