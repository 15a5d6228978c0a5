// `npm run bench`: how long a build takes, as a user runs it: `tsbpf build` of an example in a fresh
// process (Node start, the compiler, type checking, code generation, the ELF) against
// `clang -O2 -g -target bpf -c` of its C twin (bench/c-twins, with a vmlinux.h dumped here), and
// `tsbpf build` with the whole tsbpf/vmlinux parsed (TSBPF_VMLINUX_WHOLE=1) rather than the slice
// the probe reaches. Wall time, median of 3 runs each; the machine is shared, so read ratios.
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const cli = join(root, "packages", "tsbpf", "dist", "cli.js");
const EXAMPLES = ["hello", "execsnoop", "runqlat"];

function median(run) {
  const times = [];
  for (let i = 0; i < 3; i++) {
    const start = performance.now();
    run();
    times.push(performance.now() - start);
  }
  return times.sort((a, b) => a - b)[1];
}

function multiarch() {
  try {
    return execFileSync("gcc", ["-print-multiarch"], { encoding: "utf8" }).trim() || "x86_64-linux-gnu";
  } catch {
    return "x86_64-linux-gnu";
  }
}

export async function run() {
  const dir = mkdtempSync(join(tmpdir(), "tsbpf-build-time-"));
  const rows = [];
  const ratios = [];
  try {
    writeFileSync(join(dir, "vmlinux.h"), execFileSync("bpftool", ["btf", "dump", "file", "/sys/kernel/btf/vmlinux", "format", "c"], { maxBuffer: 1 << 28 }));
    for (const example of EXAMPLES) {
      const source = join(root, "examples", `${example}.bpf.ts`);
      const out = join(dir, `${example}.o`);
      const build = (env) => execFileSync(process.execPath, [cli, "build", source, "-o", out], { stdio: "pipe", env: { ...process.env, ...env } });
      const sliced = median(() => build({ TSBPF_VMLINUX_WHOLE: "0" }));
      const whole = median(() => build({ TSBPF_VMLINUX_WHOLE: "1" }));
      const clang = median(() => execFileSync("clang", ["-O2", "-g", "-target", "bpf", "-D__TARGET_ARCH_x86", `-I${dir}`, `-I/usr/include/${multiarch()}`,
        "-c", join(root, "bench", "c-twins", `${example}.bpf.c`), "-o", join(dir, `${example}.clang.o`)], { stdio: "pipe" }));
      rows.push({ what: `${example}: tsbpf build`, value: sliced, unit: "ms", digits: 0 });
      rows.push({ what: `${example}: tsbpf build, whole vmlinux`, value: whole, unit: "ms", digits: 0 });
      rows.push({ what: `${example}: clang -O2 of the C twin`, value: clang, unit: "ms", digits: 0 });
      ratios.push(`${example}: tsbpf ${(sliced / clang).toFixed(2)}x clang; whole vmlinux ${(whole / clang).toFixed(2)}x clang`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return { title: "Build time of one probe, fresh process (tsbpf build vs clang -O2)", rows, ratios };
}
