// The aggregations' cost per event against bpftrace's: each probe of bench/aggregations/
// aggregations.bpf.ts and the bpftrace line it mirrors (`@[comm] = count()`, `@[args->fd] =
// sum(args->count)`, ..., `@ = hist(args->count)`), attached at once to sys_enter_write, while
// test/support/writer.c makes N writes of several sizes to descriptors 50 to 59. Cost = the
// kernel's BPF statistics (run_time_ns / run_cnt, kernel.bpf_stats_enabled on for the run) of
// each program over the writes: tsbpf's from BPF_OBJ_GET_INFO_BY_FD, bpftrace's from its
// descriptors' /proc fdinfo. Repetitions alternate which of the two attaches first (tracepoint
// programs run in attach order). Needs root, bpftrace (Debian's package) and a C compiler.
//   TSBPF_BENCH_WRITES=N (default 200000), TSBPF_BENCH_REPS=R (default 5)
import { execFileSync, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { compileFile, formatDiagnostic } from "../packages/compiler/dist/index.js";
import { loadObject } from "../packages/runtime/dist/index.js";

const here = fileURLToPath(new URL(".", import.meta.url));
const N = Number(process.env.TSBPF_BENCH_WRITES ?? 200000);
const REPS = Number(process.env.TSBPF_BENCH_REPS ?? 5);
const FILTER = "/pid == $1 && args->fd >= 50 && args->fd < 60/";

/** Each probe class and its bpftrace twin. */
const PAIRS = [
  { what: "count, by comm", className: "CountByComm", line: "@[comm] = count();" },
  { what: "sum, by fd", className: "SumByFd", line: "@[args->fd] = sum(args->count);" },
  { what: "min, by fd", className: "MinByFd", line: "@[args->fd] = min(args->count);" },
  { what: "max, by fd", className: "MaxByFd", line: "@[args->fd] = max(args->count);" },
  { what: "avg, by fd", className: "AvgByFd", line: "@[args->fd] = avg(args->count);" },
  { what: "stats, by fd", className: "StatsByFd", line: "@[args->fd] = stats(args->count);" },
  { what: "hist", className: "Hist", line: "@ = hist(args->count);" },
  { what: "hist, by fd", className: "HistByFd", line: "@[args->fd] = hist(args->count);" },
  { what: "lhist", className: "Linear", line: "@ = lhist(args->count, 0, 10000, 100);" },
];

/** N writes in four sizes over four descriptors (every log2 and linear bucket path taken). */
const plan = [["w", 50, 7], ["w", 51, 300], ["w", 52, 4000], ["w", 53, 9000]].map(([c, fd, size]) => `${c}:${fd}:${size}:${N / 4}`);

const stats = (values) => {
  const s = [...values].sort((a, b) => a - b);
  return { min: s[0], med: s[s.length >> 1], max: s[s.length - 1] };
};

function writer(binary) {
  const child = spawn(binary, plan, { stdio: ["pipe", "ignore", "inherit"] });
  const exited = new Promise((resolve, reject) => child.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`writer exited with ${code}`)))));
  return { pid: child.pid, run: () => (child.stdin.end("go\n"), exited), kill: () => child.kill("SIGKILL") };
}

/** bpftrace with one probe, once its BEGIN has run (after every probe is attached). */
async function startBpftrace(line, pid) {
  const script = `BEGIN { printf("ready\\n"); } tracepoint:syscalls:sys_enter_write ${FILTER} { ${line} }`;
  const child = spawn("bpftrace", ["-e", script, String(pid)], { stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  let err = "";
  child.stdout.on("data", (d) => (out += d));
  child.stderr.on("data", (d) => (err += d));
  await new Promise((resolve, reject) => {
    const poll = setInterval(() => {
      if (out.includes("ready")) { clearInterval(poll); resolve(); }
      else if (child.exitCode !== null) { clearInterval(poll); reject(new Error(`bpftrace exited: ${err}`)); }
    }, 20);
  });
  return child;
}

/** run_time_ns and run_cnt of the tracepoint programs a process holds (its fdinfo). */
function processProgramStats(pid) {
  const out = [];
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    let target;
    try { target = readlinkSync(`/proc/${pid}/fd/${fd}`); } catch { continue; }
    if (target !== "anon_inode:bpf-prog") continue;
    const info = readFileSync(`/proc/${pid}/fdinfo/${fd}`, "utf8");
    const field = (name) => new RegExp(`^${name}:\\s+(\\d+)`, "m").exec(info)?.[1];
    if (field("prog_type") !== "5") continue; // BPF_PROG_TYPE_TRACEPOINT (BEGIN is a uprobe)
    out.push({ ns: BigInt(field("run_time_ns") ?? 0), cnt: BigInt(field("run_cnt") ?? 0) });
  }
  if (out.length !== 1) throw new Error(`expected one tracepoint program in bpftrace (${pid}), found ${out.length}`);
  return out[0];
}

const BEGIN = "<!-- aggregations:begin (bench/aggregations.bench.mjs writes this section) -->";
const END = "<!-- aggregations:end -->";

/** This benchmark's section of bench/RESULTS.md, between its markers (other sections untouched). */
function writeSection(text) {
  const section = [BEGIN, "## Aggregations against bpftrace (ns per event, bpf_stats)", "", text, "", NOTES, END].join("\n");
  const file = join(here, "RESULTS.md");
  const old = existsSync(file) ? readFileSync(file, "utf8") : "# Benchmark results\n";
  const at = old.indexOf(BEGIN);
  writeFileSync(file, at >= 0 ? old.slice(0, at) + section + old.slice(old.indexOf(END, at) + END.length) : `${old.trimEnd()}\n\n${section}\n`);
}

const NOTES = `Each row: one tsbpf program and one bpftrace program attached together to sys_enter_write,
filtered to the writer's pid and descriptors 50 to 59 (the filter runs on every write of the machine
for both), over the same writes; ns/run is the kernel's run_time_ns / run_cnt delta over the writes
(it includes the filter). Both keep per-CPU maps without atomics. Under load every absolute figure
moves; compare within a row.`;

const perRun = (a, b) => (b.cnt > a.cnt ? Number(b.ns - a.ns) / Number(b.cnt - a.cnt) : NaN);

export async function run() {
  if (!existsSync("/usr/bin/bpftrace")) throw new Error("bpftrace is not installed: run scripts/ensure-test-tools.sh");
  const dir = mkdtempSync(join(tmpdir(), "tsbpf-bench-aggr-"));
  const binary = join(dir, "writer");
  execFileSync("cc", ["-O2", "-o", binary, join(here, "..", "test", "support", "writer.c")]);
  const compiled = compileFile(join(here, "aggregations", "aggregations.bpf.ts"));
  const errors = compiled.diagnostics.filter((d) => d.category === "error");
  if (errors.length) throw new Error(errors.map((d) => formatDiagnostic(d)).join("\n"));
  const elf = Object.fromEntries(compiled.probes.map((p) => [p.className, p.elf]));

  const statsFile = "/proc/sys/kernel/bpf_stats_enabled";
  const statsBefore = readFileSync(statsFile, "utf8").trim();
  writeFileSync(statsFile, "1");
  const load = [loadavg()[0]];
  const results = PAIRS.map(() => ({ tsbpf: [], bpftrace: [] }));
  try {
    for (let rep = 0; rep < REPS; rep++) {
      for (const [i, pair] of PAIRS.entries()) {
        const w = writer(binary);
        let object;
        let bpftrace;
        try {
          const attachTsbpf = async () => {
            object = await loadObject(elf[pair.className], { config: { targetPid: w.pid } });
            object.attach();
          };
          const attachBpftrace = async () => (bpftrace = await startBpftrace(pair.line, w.pid));
          // Alternate which program runs first on each event.
          if ((rep + i) % 2 === 0) { await attachTsbpf(); await attachBpftrace(); } else { await attachBpftrace(); await attachTsbpf(); }
          const program = object.programs.get("onWrite");
          const t0 = program.info();
          const b0 = processProgramStats(bpftrace.pid);
          await w.run();
          const t1 = program.info();
          const b1 = processProgramStats(bpftrace.pid);
          results[i].tsbpf.push(perRun({ ns: t0.runTimeNs, cnt: t0.runCount }, { ns: t1.runTimeNs, cnt: t1.runCount }));
          results[i].bpftrace.push(perRun(b0, b1));
        } finally {
          w.kill();
          bpftrace?.kill("SIGKILL");
          object?.close();
        }
      }
      load.push(loadavg()[0]);
      console.error(`aggregations: repetition ${rep + 1}/${REPS} done`);
    }
  } finally {
    writeFileSync(statsFile, statsBefore);
  }

  const rows = [];
  const table = ["| aggregation | bpftrace line | tsbpf ns/run min / median / max | bpftrace ns/run min / median / max | tsbpf / bpftrace (medians) |", "|---|---|---|---|---|"];
  for (const [i, pair] of PAIRS.entries()) {
    const t = stats(results[i].tsbpf);
    const b = stats(results[i].bpftrace);
    rows.push({ what: `${pair.what}: tsbpf`, value: t.med, unit: "ns/run", note: `min ${t.min.toFixed(0)}, max ${t.max.toFixed(0)}` });
    rows.push({ what: `${pair.what}: bpftrace`, value: b.med, unit: "ns/run", note: `min ${b.min.toFixed(0)}, max ${b.max.toFixed(0)}` });
    const f = (s) => `${s.min.toFixed(0)} / ${s.med.toFixed(0)} / ${s.max.toFixed(0)}`;
    table.push(`| ${pair.what} | \`${pair.line}\` | ${f(t)} | ${f(b)} | ${(t.med / b.med).toFixed(2)} |`);
  }
  const l = stats(load);
  const text = [`${N} writes per repetition, ${REPS} repetitions, bpftrace ${execFileSync("bpftrace", ["--version"], { encoding: "utf8" }).trim()};`,
    `load average (1 min) over the run: min ${l.min.toFixed(2)}, median ${l.med.toFixed(2)}, max ${l.max.toFixed(2)}.`, "", ...table].join("\n");
  writeSection(text);
  return { title: "Aggregations against bpftrace (ns per event, bpf_stats)", rows, text };
}
