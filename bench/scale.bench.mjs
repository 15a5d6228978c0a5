// `npm run bench`: how compile time and memory grow with the size of one method (issue 14): a
// fresh `tsbpf build` per size of a method of N straight-line statements (up to 10,000) and of N
// sequential `if` blocks (up to 1,500; past ~2,000 TypeScript's control-flow limit, TS2563, ends
// the compile with that diagnostic). Wall time and peak RSS of the process; the machine is shared.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
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

export async function run() {
  // Inside the checkout: the probe's `import ... from "tsbpf"` resolves through its node_modules.
  const dir = mkdtempSync(join(root, "bench", ".scale-"));
  const rows = [];
  const table = ["| method | N | build (s) | peak RSS (MB) | per 1,000 (s) |", "|---|---|---|---|---|"];
  try {
    for (const [shape, sizes] of [["statements", [1000, 2500, 5000, 10000]], ["ifs", [250, 500, 1000, 1500]]]) {
      for (const n of sizes) {
        const file = join(dir, `${shape}-${n}.bpf.ts`);
        writeFileSync(file, bigMethod(shape, n));
        const started = performance.now();
        const child = spawnSync(process.execPath, ["--import", `data:text/javascript,process.on("exit",()=>process.stderr.write("RSS "+process.resourceUsage().maxRSS+"\\n"))`, cli, "build", file, "-o", join(dir, "out.o")],
          { encoding: "utf8" });
        const stderr = child.stderr ?? "";
        const ok = child.status === 0;
        if (!ok && (shape === "statements" || n < 2000)) throw new Error(`tsbpf build of ${n} ${shape} failed:\n${stderr}${child.stdout}`);
        const seconds = (performance.now() - started) / 1000;
        const mb = Number(/RSS (\d+)/.exec(stderr)?.[1] ?? 0) / 1024;
        rows.push({ what: `${n} ${shape}${ok ? "" : " (no object)"}`, value: seconds, unit: "s", note: `${mb.toFixed(0)} MB` });
        table.push(`| ${shape} | ${n} | ${seconds.toFixed(1)} | ${mb.toFixed(0)} | ${(seconds / (n / 1000)).toFixed(2)} |`);
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return { title: "Compile time and memory against the size of one method (fresh tsbpf build)", rows, text: table.join("\n") };
}
