// `npm run bench`: how compile time and memory grow with the size of one method (issue 14): a
// fresh `tsbpf build` per size of a method of N straight-line statements (up to 10,000) and of N
// sequential `if` blocks (up to 4,000: past ~2,000 tsc checks the method without narrowing,
// frontend/narrowing-free.ts, with warning TSBPF5003). Wall time and peak RSS of the process, in
// interleaved rounds (TSBPF_BENCH_ROUNDS, default 3); the machine is shared.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, cpus } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const cli = join(root, "packages", "tsbpf", "dist", "cli.js");
const IMPORTS = 'import { Probe, bpf, tracepoint, u32, type i32, type SysEnterContext } from "tsbpf";';

// The same shapes as packages/compiler/src/testing/big-methods.ts (kept in step by hand: this runs on dist).
function bigMethod(shape, n) {
  const lines = [IMPORTS, "export class Big extends Probe {", '  @tracepoint("syscalls", "sys_enter_write")', "  onWrite(ctx: SysEnterContext): i32 {",
    "    const pid = u32(bpf.getCurrentPidTgid() >> 32n);", "    let acc: u32 = 0;"];
  for (let i = 0; i < n; i++) lines.push(shape === "ifs" ? `    if (pid === ${i}) return ${i % 100};` : `    acc = acc ^ (pid + ${i % 89});`);
  lines.push("    return acc === 7 ? 1 : 0;", "  }", "}", "");
  return lines.join("\n");
}

const ROUNDS = Number(process.env.TSBPF_BENCH_ROUNDS ?? 3);
const SIZES = [["statements", [1000, 2500, 5000, 10000]], ["ifs", [500, 1000, 2000, 4000]]];

function build(dir, shape, n) {
  const file = join(dir, `${shape}-${n}.bpf.ts`);
  writeFileSync(file, bigMethod(shape, n));
  const started = performance.now();
  const child = spawnSync(process.execPath, ["--import", `data:text/javascript,process.on("exit",()=>process.stderr.write("RSS "+process.resourceUsage().maxRSS+"\\n"))`, cli, "build", file, "-o", join(dir, "out.o")],
    // Without tsbpf's object cache: every round compiles (the rounds build the same files).
    { encoding: "utf8", env: { ...process.env, TSBPF_CACHE: "0" } });
  const stderr = child.stderr ?? "";
  if (child.status !== 0) throw new Error(`tsbpf build of ${n} ${shape} failed:\n${stderr}${child.stdout}`);
  return { seconds: (performance.now() - started) / 1000, mb: Number(/RSS (\d+)/.exec(stderr)?.[1] ?? 0) / 1024 };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

export async function run() {
  // Inside the checkout: the probe's `import ... from "tsbpf"` resolves through its node_modules.
  const dir = mkdtempSync(join(root, "bench", ".scale-"));
  const loadBefore = loadavg()[0];
  const samples = new Map();
  try {
    // Rounds interleave the sizes, so that a burst of load on the shared machine spreads over all of them.
    for (let round = 0; round < ROUNDS; round++) {
      for (const [shape, sizes] of SIZES) {
        for (const n of sizes) {
          const key = `${shape} ${n}`;
          if (!samples.has(key)) samples.set(key, []);
          samples.get(key).push(build(dir, shape, n));
        }
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const loadAfter = loadavg()[0];
  const rows = [];
  const table = [
    `${new Date().toISOString().slice(0, 10)}, ${ROUNDS} interleaved rounds of a fresh \`tsbpf build\` per size; load average ${loadBefore.toFixed(2)} before, ${loadAfter.toFixed(2)} after, on ${cpus().length} cores shared with other work.`,
    "",
    "| method | N | median (s) | min (s) | max (s) | peak RSS (MB, max) | median per 1,000 (s) |",
    "|---|---|---:|---:|---:|---:|---:|",
  ];
  for (const [key, list] of samples) {
    const [shape, n] = key.split(" ");
    const times = list.map((s) => s.seconds);
    const mb = Math.max(...list.map((s) => s.mb));
    rows.push({ what: key, value: median(times), unit: "s", note: `min ${Math.min(...times).toFixed(1)}, max ${Math.max(...times).toFixed(1)}, ${mb.toFixed(0)} MB` });
    table.push(`| ${shape} | ${n} | ${median(times).toFixed(1)} | ${Math.min(...times).toFixed(1)} | ${Math.max(...times).toFixed(1)} | ${mb.toFixed(0)} | ${(median(times) / (Number(n) / 1000)).toFixed(2)} |`);
  }
  return { title: "Compile time and memory against the size of one method (fresh tsbpf build)", rows, text: table.join("\n") };
}
