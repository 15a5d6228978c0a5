#!/usr/bin/env node
// Rebuilds the parsers' fuzz corpus (packages/object/src/fuzz/corpus): the object package's C
// fixtures built by clang (-O2 -g -target bpf), and examples built by `tsbpf build`. The corpus is
// committed, so that fuzz runs and their regression cases mutate the same bytes everywhere; run
// this when the object format changes, then re-run `npm test` (regression cases name their seed).
//   npm run build && node scripts/fuzz-corpus.mjs
import { execFileSync } from "node:child_process";
import { arch } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const out = join(root, "packages/object/src/fuzz/corpus");
const triple = arch() === "arm64" ? "aarch64-linux-gnu" : "x86_64-linux-gnu";
for (const name of ["sample", "maps", "externs"]) {
  execFileSync("clang", ["-O2", "-g", "-target", "bpf", `-D__TARGET_ARCH_${arch() === "arm64" ? "arm64" : "x86"}`, `-I/usr/include/${triple}`, "-c",
    join(root, "packages/object/src/__fixtures__", `${name}.bpf.c`), "-o", join(out, `clang-${name}.o`)], { stdio: "inherit" });
}
for (const name of ["hello", "opensnoop", "runqlat", "syscount", "tcp-cc", "xdp-portfilter"]) {
  execFileSync(process.execPath, [join(root, "packages/tsbpf/dist/cli.js"), "build", join(root, "examples", `${name}.bpf.ts`), "-o", join(out, `tsbpf-${name}.o`)], { stdio: "inherit" });
}
