// Builds the Node-API shim from source for this machine into build/Release/, where the loader
// (node-gyp-build, as for any addon) takes it before the prebuilt files. Run by the repository's
// `npm install` (postinstall); in an app whose platform has no prebuilt shim, run by hand:
//   node node_modules/@tsbpf/runtime/native/build.mjs
// It needs a C compiler (cc) with the kernel's headers and Node's headers.
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { compileShim, nativeDir } from "./compile.mjs";

const output = join(nativeDir, "..", "build", "Release", "tsbpf_shim.node");

if (process.platform !== "linux") {
  console.log("tsbpf: not Linux, the runtime's native shim is not built (compiling still works).");
  process.exit(0);
}

const inputsTime = Math.max(...readdirSync(nativeDir).map((name) => statSync(join(nativeDir, name)).mtimeMs));
if (existsSync(output) && statSync(output).mtimeMs > inputsTime && !process.argv.includes("--force")) {
  process.exit(0);
}
// glibc's runtime version is in Node's report header; musl's is not (detect-libc reads the same).
const libc = process.report?.getReport().header.glibcVersionRuntime ? "glibc" : "musl";
try {
  compileShim({ cc: process.env.CC ?? "cc", libc }, output);
} catch (error) {
  console.error(`tsbpf: building the native shim failed: ${error.message}`);
  process.exit(1);
}
console.log(`tsbpf: built ${output}`);
