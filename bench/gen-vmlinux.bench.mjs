// `tsbpf gen vmlinux` (TypeScript declarations of the running kernel's BTF) against bpftool's C
// dump of the same BTF (`bpftool btf dump file /sys/kernel/btf/vmlinux format c`), each a fresh
// process writing its file, interleaved (the order alternating), measured by GNU time: wall
// seconds, CPU (user + system) seconds and peak resident memory. Issue 15's goal: ≤ 1.0× the
// time, ≤ 2× the memory. Node itself (`node -e 0`) is measured beside them: a floor no Node
// program goes under.
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { writeResultsSection } from "./results-section.mjs";

const root = fileURLToPath(new URL("..", import.meta.url));
const cli = join(root, "packages", "tsbpf", "dist", "cli.js");
const ROUNDS = 5;

/** wall s, cpu s, max RSS KiB of one command (its stdout to `out`). */
function measure(argv, out) {
  const result = spawnSync("/usr/bin/time", ["-f", "%e %U %S %M", "sh", "-c", `"$0" "$@" > ${out}`, ...argv], { encoding: "utf8" });
  if (result.status !== 0) throw new Error(`${argv.join(" ")}: ${result.stderr}`);
  const [wall, user, sys, rss] = result.stderr.trim().split("\n").pop().split(" ").map(Number);
  return { wall, cpu: user + sys, rss };
}

const stats = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return { min: s[0], median: s[Math.floor(s.length / 2)], max: s[s.length - 1] };
};

export async function run() {
  if (!existsSync("/usr/bin/time")) throw new Error("GNU time is not installed (Debian's `time` package)");
  const dir = mkdtempSync(join(tmpdir(), "tsbpf-bench-gen-"));
  const load = [loadavg()[0]];
  const runs = { tsbpf: [], bpftool: [], node: [] };
  try {
    const tsbpf = () => measure([process.execPath, cli, "gen", "vmlinux"], join(dir, "vmlinux.d.ts"));
    const bpftool = () => measure(["bpftool", "btf", "dump", "file", "/sys/kernel/btf/vmlinux", "format", "c"], join(dir, "vmlinux.h"));
    const node = () => measure([process.execPath, "-e", "0"], "/dev/null");
    for (let i = 0; i < ROUNDS; i++) {
      const order = i % 2 === 0 ? ["tsbpf", "bpftool", "node"] : ["node", "bpftool", "tsbpf"];
      for (const which of order) runs[which].push({ tsbpf, bpftool, node }[which]());
    }
    load.push(loadavg()[0]);
    const sizes = { tsbpf: readFileSync(join(dir, "vmlinux.d.ts")).length, bpftool: readFileSync(join(dir, "vmlinux.h")).length };
    const rows = [];
    const table = ["| | wall s (min / median / max) | CPU s (median) | peak RSS MiB (median) | output |", "|---|---|---|---|---|"];
    for (const which of ["tsbpf", "bpftool", "node"]) {
      const wall = stats(runs[which].map((r) => r.wall));
      const cpu = stats(runs[which].map((r) => r.cpu)).median;
      const rss = stats(runs[which].map((r) => r.rss)).median / 1024;
      rows.push({ what: `${which} wall (median)`, value: wall.median, unit: "s" }, { what: `${which} peak RSS`, value: rss, unit: "MiB" });
      const label = { tsbpf: "`tsbpf gen vmlinux`", bpftool: "`bpftool btf dump … format c`", node: "`node -e 0`" }[which];
      const size = which === "node" ? "" : `${(sizes[which] / 1e6).toFixed(1)} MB`;
      table.push(`| ${label} | ${wall.min.toFixed(2)} / ${wall.median.toFixed(2)} / ${wall.max.toFixed(2)} | ${cpu.toFixed(2)} | ${rss.toFixed(1)} | ${size} |`);
    }
    const ratio = (f, which) => stats(runs.tsbpf.map((r, i) => f(r) / f(runs[which][i])));
    const wall = ratio((r) => r.wall, "bpftool");
    const cpu = ratio((r) => r.cpu, "bpftool");
    const rss = ratio((r) => r.rss, "bpftool");
    const fmt = (s) => `${s.min.toFixed(2)} / ${s.median.toFixed(2)} / ${s.max.toFixed(2)}`;
    const ratios = [`tsbpf / bpftool wall: ${fmt(wall)} (goal ≤ 1.0)`, `tsbpf / bpftool CPU: ${fmt(cpu)}`, `tsbpf / bpftool peak RSS: ${fmt(rss)} (goal ≤ 2)`];
    const kernel = execFileSync("uname", ["-r"], { encoding: "utf8" }).trim();
    writeResultsSection("gen-vmlinux.bench.mjs", [
      "## Kernel types: `tsbpf gen vmlinux` against bpftool's C dump (issue 15)",
      "",
      `${new Date().toISOString().slice(0, 10)}, Node ${process.version}, Linux ${kernel}, ${ROUNDS} interleaved rounds; load average ${load[0].toFixed(1)} before, ${load[1].toFixed(1)} after (2 cores shared with other work).`,
      "",
      ...table,
      "",
      ...ratios.map((r) => `- ${r} (min / median / max of the per-round ratios)`),
      "- Memory: a Node process starts at the `node -e 0` figure, above 2× bpftool's whole peak, so the memory goal cannot be met by any Node program; the time goal is the one to watch.",
    ].join("\n"));
    return { title: "tsbpf gen vmlinux against bpftool btf dump format c", rows, ratios };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
