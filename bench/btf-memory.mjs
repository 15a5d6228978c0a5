// Child process of btf.bench.mjs: loads vmlinux BTF one way and reports the memory that stays
// held after a full GC (run with --expose-gc). argv[2]: "lazy" | "lazy+lookup" | "eager".
import { readFileSync } from "node:fs";
import { LazyBtf, decodeBtf, findTypeByName } from "../packages/object/dist/index.js";

const mode = process.argv[2];
const path = process.argv[3] ?? "/sys/kernel/btf/vmlinux";
const gc = globalThis.gc;
gc(); gc();
const before = process.memoryUsage();
const bytes = new Uint8Array(readFileSync(path));
let keep;
if (mode === "eager") {
  keep = decodeBtf(bytes);
  findTypeByName(keep, "task_struct", "struct");
} else {
  keep = LazyBtf.parse(bytes);
  if (mode === "lazy+lookup") keep.findByName("task_struct", "struct");
}
gc(); gc();
const after = process.memoryUsage();
const held = after.heapUsed + after.arrayBuffers - before.heapUsed - before.arrayBuffers;
process.stdout.write(JSON.stringify({ held, file: bytes.length, rss: after.rss - before.rss, alive: keep !== undefined }));
