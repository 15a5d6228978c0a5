// The event path against libbpf's C consumer, on the same producer: bench/events/flood.bpf.ts,
// compiled by tsbpf, feeds both (ref-c's `tools/bpfrun --rb/--rb-busy` for ring buffers,
// bench/events/perfrun.c's perf_buffer__poll/consume for perf buffers), interleaved, each
// consumer in its own process, a gated `wl getpid N` as the workload. Delivered events per second
// = events delivered / the workload's own time around its syscall loop (wl's total_ns: one clock
// for both consumers; each consumer's own wall time differs in what it includes, e.g. bpfrun's
// last 50 ms poll timeout after the workload exits, and is reported as a second ratio); lost = the
// probe's failed-write counter (ring: failedReservations, perf: lost samples). Needs root,
// clang-free: only gcc and libbpf-dev (for the C consumers, built into a temporary copy of
// ../shared/ref-c, never into the repo).
//   TSBPF_BENCH_EVENTS=N (default 100000; issue 11 measured 1,000,000), TSBPF_BENCH_REPS=R (default 5),
//   TSBPF_BENCH_CASES=regex (only the cases whose name matches)
import { execFileSync, spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { compileFile, formatDiagnostic } from "../packages/compiler/dist/index.js";

const here = fileURLToPath(new URL(".", import.meta.url));
const N = Number(process.env.TSBPF_BENCH_EVENTS ?? 100000);
const REPS = Number(process.env.TSBPF_BENCH_REPS ?? 5);
const PAGES = 64;
const RING = 1 << 20;

function median(values) {
  const s = [...values].sort((a, b) => a - b);
  return s[s.length >> 1];
}

/** ref-c's tools (bpfrun, wl) built in a temporary copy; perfrun next to them. */
function buildTools(dir) {
  const refc = join(here, "..", "..", "shared", "ref-c");
  cpSync(refc, dir, { recursive: true });
  execFileSync("chmod", ["-R", "u+w", dir]);
  execFileSync("make", ["-s", "-C", dir, "tools/bpfrun", "tools/wl"], { stdio: ["ignore", "ignore", "inherit"] });
  execFileSync("gcc", ["-O2", "-o", join(dir, "perfrun"), join(here, "events", "perfrun.c"), "-lbpf", "-lelf", "-lz"]);
  return { bpfrun: join(dir, "tools", "bpfrun"), wl: join(dir, "tools", "wl"), perfrun: join(dir, "perfrun") };
}

function compileFlood(dir) {
  const file = join(here, "events", "flood.bpf.ts");
  const result = compileFile(file);
  const errors = result.diagnostics.filter((d) => d.category === "error");
  if (errors.length) throw new Error(errors.map((d) => formatDiagnostic(d)).join("\n"));
  const objects = {};
  for (const p of result.probes) writeFileSync((objects[p.className] = join(dir, `${p.className}.o`)), p.elf);
  return objects;
}

/** libbpf's ring consumer: bpfrun's `rb` line and workload wall time. */
function cRing(tools, object, mode, config) {
  const sets = Object.entries(config).flatMap(([k, v]) => ["-s", `${k}=${v}`]);
  const r = spawnSync(tools.bpfrun, [object, "-q", "-s", "targ_pid=@workload", ...sets, mode === "busy" ? "--rb-busy" : "--rb", "--", tools.wl, "getpid", String(N)], { encoding: "utf8" });
  const rb = /rb map=events events=(\d+)/.exec(r.stdout);
  const wall = /workload pid=\d+ exit=0 wall_ms=([\d.]+)/.exec(r.stdout);
  const total = /total_ns=(\d+)/.exec(r.stderr);
  if (!rb || !wall || !total) throw new Error(`bpfrun failed: ${r.stdout}\n${r.stderr}`);
  const events = Number(rb[1]);
  return { events, lost: null, eventsPerS: events / (Number(wall[1]) / 1000), workloadMs: Number(total[1]) / 1e6 };
}

function cPerf(tools, object, mode) {
  const r = spawnSync(tools.perfrun, [object, String(PAGES), mode, tools.wl, String(N)], { encoding: "utf8" });
  const total = /total_ns=(\d+)/.exec(r.stderr);
  if (r.status !== 0 || !total) throw new Error(`perfrun failed: ${r.stdout}\n${r.stderr}`);
  return { ...JSON.parse(r.stdout.trim().split("\n").at(-1)), workloadMs: Number(total[1]) / 1e6 };
}

function tsbpf(tools, object, kind, mode, decode, config) {
  const r = spawnSync(process.execPath, [join(here, "events", "consumer.mjs"), object, tools.wl, String(N), kind, mode, decode, JSON.stringify(config)], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`consumer failed: ${r.stdout}\n${r.stderr}`);
  const out = JSON.parse(r.stdout.trim().split("\n").at(-1));
  return { ...out, lost: kind === "perf" ? out.lost : out.failed };
}

export async function run() {
  if (process.getuid?.() !== 0 || !existsSync("/sys/kernel/btf/vmlinux")) {
    return { title: "events: tsbpf vs libbpf consumers", rows: [{ what: "skipped", value: "needs root and BTF", unit: "" }] };
  }
  const dir = mkdtempSync(join(tmpdir(), "tsbpf-events-bench-"));
  try {
    const tools = buildTools(dir);
    const objects = compileFlood(dir);
    const adaptive = { wake: 2, wakeup_above: RING / 4 };
    const cases = [
      { what: "ring 64 B, epoll", kind: "ring", object: objects.RingFlood64, mode: "epoll", decode: "typed", config: {} },
      { what: "ring 64 B, epoll, raw views", kind: "ring", object: objects.RingFlood64, mode: "epoll", decode: "raw", config: {} },
      { what: "ring 64 B, busy + NoWakeup", kind: "ring", object: objects.RingFlood64, mode: "busy", decode: "typed", config: { wake: 1 } },
      { what: "ring 64 B, NoWakeup + adaptive (256 KiB)", kind: "ring", object: objects.RingFlood64, mode: "epoll", decode: "typed", config: adaptive },
      { what: "ring 64 B, output(), epoll", kind: "ring", object: objects.RingFlood64, mode: "epoll", decode: "typed", config: { method: 1 } },
      { what: "ring 512 B, epoll", kind: "ring", object: objects.RingFlood512, mode: "epoll", decode: "typed", config: {} },
      { what: "ring 512 B, busy + NoWakeup", kind: "ring", object: objects.RingFlood512, mode: "busy", decode: "typed", config: { wake: 1 } },
      { what: "ring 512 B, NoWakeup + adaptive (256 KiB)", kind: "ring", object: objects.RingFlood512, mode: "epoll", decode: "typed", config: adaptive },
      { what: "perf 64 B, epoll", kind: "perf", object: objects.PerfFlood64, mode: "epoll", decode: "typed", config: {} },
      { what: "perf 64 B, busy", kind: "perf", object: objects.PerfFlood64, mode: "busy", decode: "typed", config: {} },
      { what: "perf 512 B, epoll", kind: "perf", object: objects.PerfFlood512, mode: "epoll", decode: "typed", config: {} },
      { what: "perf 512 B, busy", kind: "perf", object: objects.PerfFlood512, mode: "busy", decode: "typed", config: {} },
    ];
    const only = process.env.TSBPF_BENCH_CASES ? new RegExp(process.env.TSBPF_BENCH_CASES) : undefined;
    const chosen = cases.filter((c) => !only || only.test(c.what));
    const loadBefore = loadavg()[0];
    const rows = [];
    const table = [
      "| case | libbpf events/s (median) | tsbpf events/s (median) | ratio min / median / max | ratio by each consumer's wall (median) | tsbpf lost (max) | libbpf lost (max; ring: attempts − delivered) |",
      "|---|---|---|---|---|---|---|",
    ];
    for (const c of chosen) {
      const ratios = [];
      const wallRatios = [];
      const cRates = [];
      const tRates = [];
      let tLost = 0;
      let cLost = null;
      for (let rep = 0; rep < REPS; rep++) {
        // Interleaved, the order alternating, so that a change in the machine's load hits both.
        const runC = () => (c.kind === "perf" ? cPerf(tools, c.object, c.mode) : cRing(tools, c.object, c.mode, c.config));
        const runT = () => tsbpf(tools, c.object, c.kind, c.mode, c.decode, c.config);
        const [a, b] = rep % 2 === 0 ? [runC(), runT()] : [runT(), runC()].reverse();
        const rate = (x) => x.events / (x.workloadMs / 1000);
        cRates.push(rate(a));
        tRates.push(rate(b));
        ratios.push(rate(b) / rate(a));
        wallRatios.push(b.eventsPerS / a.eventsPerS);
        tLost = Math.max(tLost, b.lost ?? 0);
        // bpfrun does not read the probe's counter: the same workload makes the same attempts as
        // tsbpf's run counted (delivered + lost), so libbpf lost that many minus what it delivered.
        const cLostHere = a.lost ?? Math.max(0, b.events + (b.lost ?? 0) - a.events);
        cLost = Math.max(cLost ?? 0, cLostHere);
      }
      const r = { min: Math.min(...ratios), median: median(ratios), max: Math.max(...ratios) };
      rows.push({ what: `${c.what}: tsbpf / libbpf`, value: r.median, unit: "x", note: `min ${r.min.toFixed(2)}, max ${r.max.toFixed(2)}; ${Math.round(median(tRates))} vs ${Math.round(median(cRates))} events/s; lost ${tLost} vs ${cLost}` });
      table.push(`| ${c.what} | ${Math.round(median(cRates))} | ${Math.round(median(tRates))} | ${r.min.toFixed(2)} / ${r.median.toFixed(2)} / ${r.max.toFixed(2)} | ${median(wallRatios).toFixed(2)} | ${tLost} | ${cLost ?? "n/a"} |`);
    }
    const loadAfter = loadavg()[0];
    return {
      title: "events: tsbpf vs libbpf consumers (same producer, interleaved)",
      rows,
      ratios: [`${N} getpid calls a run, ${REPS} interleaved repetitions; 1-minute load average ${loadBefore.toFixed(1)} before, ${loadAfter.toFixed(1)} after (2 cores)`],
      text: table.join("\n"),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
