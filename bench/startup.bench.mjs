// `npm run bench`: how fast a probe starts, without and with the compiler.
//
// - exec to "attached": `tsbpf run` of a cached probe (examples/hello.bpf.ts), of its built .o,
//   and of the uncached source (TSBPF_CACHE=0), against the bpftrace one-liner that does the same
//   (a write tracepoint filtered by pid that prints a line; its BEGIN probe fires once everything
//   is attached), and against libbpf's loader (ref-c's bpfrun) exec'd on the same object;
// - in process: `load()` + `attach()` of an embedded object (what a bundle does) against libbpf's
//   open/load/attach of the same object in C (bpfrun's main_to_attached_ms);
// - a bundled app (esbuild, the object embedded, @tsbpf/runtime external as @tsbpf/unplugin leaves
//   it) from exec to "attached", against `node -e` printing a line (goal: at most 100 ms more).
//
// `tsbpf` is started as users start it, through bin/tsbpf.js (which turns on Node's module compile
// cache where Node has one: 22.1+).
//
// TSBPF_BENCH_RT=1 runs every scenario under SCHED_FIFO (chrt -f 10, as root): on a machine shared
// with other work, the scenarios then compete with each other's timing noise less than with the
// machine's load; the results say whether it was used.
//
// Set-up: bpftrace from Debian's packages (apt-get install, as root), ref-c built in a temporary
// copy (its README: shared/ is read-only). The scenarios run interleaved, REPS rounds, so that the
// load of this shared machine falls on all of them alike; min/median/max each, load average noted.
// The results also go into bench/RESULTS.md (the section between this bench's markers).
import { execFileSync, spawn } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const cli = join(root, "packages", "tsbpf", "bin", "tsbpf.js");
const RT = process.env.TSBPF_BENCH_RT === "1";
const hello = join(root, "examples", "hello.bpf.ts");
const REPS = Number(process.env.TSBPF_BENCH_REPS ?? 7);
const TARGET_PID = 1; // a filter that never matches: the benchmark measures start-up, not output

function ensureBpftrace() {
  try {
    execFileSync("bpftrace", ["--version"], { stdio: "pipe" });
  } catch {
    execFileSync("apt-get", ["install", "-y", "-q", "bpftrace"], { stdio: "pipe" });
  }
}

function buildRefC(dir) {
  const copy = join(dir, "ref-c");
  cpSync(join(root, "..", "shared", "ref-c"), copy, { recursive: true });
  execFileSync("make", ["-C", copy, "tools/bpfrun"], { stdio: "pipe" });
  return join(copy, "tools", "bpfrun");
}

/** Milliseconds from spawn to the first output line matching `marker`; the process is then stopped. */
function execToMarker(command, args, marker, env = {}) {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const [cmd, argv] = RT ? ["chrt", ["-f", "10", command, ...args]] : [command, args];
    const child = spawn(cmd, argv, { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let at;
    const limit = setTimeout(() => child.kill("SIGKILL"), 120_000); // a hung start fails the bench, not the machine
    const onData = (chunk) => {
      out += chunk;
      if (at === undefined && marker.test(out)) {
        at = performance.now() - start;
        child.kill("SIGINT");
      }
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    child.on("exit", () => clearTimeout(limit));
    child.on("exit", () => (at === undefined ? reject(new Error(`${command} ${args.join(" ")} exited before ${marker}:\n${out}`)) : resolve(at)));
  });
}

/** In one Node process: load() + attach() of an embedded object, timed inside; imports not counted. */
const inProcessScript = `
import { readFileSync } from "node:fs";
import { Probe, embedProbeObject, load } from "tsbpf";
class Hello extends Probe {}
embedProbeObject(Hello, new Uint8Array(readFileSync(process.argv[2])));
const start = performance.now();
const probe = await load(Hello, { config: { targetPid: ${TARGET_PID} } });
probe.attach();
const ms = performance.now() - start;
probe.close();
console.log(ms);
`;

/** A bundled app as @tsbpf/unplugin makes one: the object embedded, the runtime left external. */
async function bundleApp(object) {
  const source = join(root, "packages", "tsbpf", `.bench-app-src-${process.pid}.mjs`);
  const out = join(root, "packages", "tsbpf", `.bench-app-${process.pid}.mjs`); // beside tsbpf, so that @tsbpf/runtime resolves
  writeFileSync(source, [
    `import { Probe, embedProbeObject, load } from "tsbpf";`,
    `class Hello extends Probe {}`,
    `embedProbeObject(Hello, Uint8Array.from(atob(${JSON.stringify(readFileSync(object).toString("base64"))}), (c) => c.charCodeAt(0)));`,
    `const probe = await load(Hello, { config: { targetPid: ${TARGET_PID} } });`,
    `probe.attach();`,
    `console.log("attached");`,
    `process.on("SIGINT", () => { probe.close(); process.exit(0); });`,
    `setInterval(() => {}, 1 << 30);`,
    ``,
  ].join("\n"));
  const { build } = await import("esbuild");
  await build({ entryPoints: [source], outfile: out, bundle: true, platform: "node", format: "esm", target: "node20",
    external: ["@tsbpf/runtime", "@tsbpf/compiler"], logLevel: "error" });
  rmSync(source);
  return out;
}

function stats(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return { min: sorted[0], median: sorted[Math.floor(sorted.length / 2)], max: sorted.at(-1) };
}

export async function run() {
  ensureBpftrace();
  const dir = mkdtempSync(join(tmpdir(), "tsbpf-startup-"));
  const cache = join(dir, "cache");
  const load = { before: loadavg()[0] };
  const cleanup = [];
  try {
    const bpfrun = buildRefC(dir);
    const object = join(dir, "hello.bpf.o");
    execFileSync(process.execPath, [cli, "build", hello, "-o", object], { stdio: "pipe", env: { ...process.env, TSBPF_CACHE_DIR: cache, TSBPF_SNAPSHOT: "0" } });
    const script = join(root, "packages", "tsbpf", `.bench-inprocess-${process.pid}.mjs`); // beside tsbpf, so that it resolves
    writeFileSync(script, inProcessScript);
    cleanup.push(() => rmSync(script, { force: true }));
    const app = await bundleApp(object);
    cleanup.push(() => rmSync(app, { force: true }));
    const attachedJson = /"kind":"attached"/;
    // The compiler snapshot (packages/tsbpf/src/compiler-snapshot.ts), built as `tsbpf snapshot`
    // builds it, in a folder of this run's own: the uncached row compiles in a process started
    // from it, as a user's second compile does; the row without it is a compile's first time.
    const snapshots = join(dir, "snapshots");
    execFileSync(process.execPath, [cli, "snapshot", hello], { stdio: "pipe", env: { ...process.env, TSBPF_SNAPSHOT_DIR: snapshots } });
    const scenarios = {
      "tsbpf run hello.bpf.ts, cached": () => execToMarker(process.execPath, [cli, "run", hello, "--json", "--config", `targetPid=${TARGET_PID}`], attachedJson, { TSBPF_CACHE_DIR: cache, TSBPF_SNAPSHOT_DIR: snapshots }),
      "tsbpf run hello.bpf.o": () => execToMarker(process.execPath, [cli, "run", object, "--json", "--config", `targetPid=${TARGET_PID}`], attachedJson),
      "tsbpf run hello.bpf.ts, uncached": () => execToMarker(process.execPath, [cli, "run", hello, "--json", "--config", `targetPid=${TARGET_PID}`], attachedJson, { TSBPF_CACHE: "0", TSBPF_SNAPSHOT_DIR: snapshots }),
      "tsbpf run hello.bpf.ts, uncached, no compiler snapshot": () => execToMarker(process.execPath, [cli, "run", hello, "--json", "--config", `targetPid=${TARGET_PID}`], attachedJson, { TSBPF_CACHE: "0", TSBPF_SNAPSHOT: "0" }),
      "bpftrace one-liner": () => execToMarker("bpftrace", ["-B", "none", "-e",
        `tracepoint:syscalls:sys_enter_write /pid == ${TARGET_PID}/ { printf("hello: write by pid %d to fd %d\\n", pid, args->fd); } BEGIN { printf("attached\\n"); }`], /^attached$/m),
      "libbpf loader (bpfrun) exec, same object": () => execToMarker(bpfrun, [object, "-q", "-s", `targetPid=${TARGET_PID}`, "--duration", "30"], /^attached /m),
      "bundled app (esbuild, object embedded) exec": () => execToMarker(process.execPath, [app], /^attached$/m),
      "node -e printing a line": () => execToMarker(process.execPath, ["-e", 'console.log("attached")'], /^attached$/m),
      "in process: load() + attach(), embedded object": async () =>
        Number(execFileSync(RT ? "chrt" : process.execPath, [...(RT ? ["-f", "10", process.execPath] : []), script, object], { encoding: "utf8" }).trim()),
      "in process: libbpf open/load/attach (C), same object": async () =>
        Number(/main_to_attached_ms=([\d.]+)/.exec(execFileSync(RT ? "chrt" : bpfrun, [...(RT ? ["-f", "10", bpfrun] : []), object, "-q", "-s", `targetPid=${TARGET_PID}`, "--exit-after-attach"], { encoding: "utf8" }))[1]),
    };
    // Warm the cache (and the page cache) once, untimed.
    await scenarios["tsbpf run hello.bpf.ts, cached"]();
    const times = Object.fromEntries(Object.keys(scenarios).map((name) => [name, []]));
    for (let rep = 0; rep < REPS; rep++) {
      for (const [name, measure] of Object.entries(scenarios)) times[name].push(await measure());
    }
    load.after = loadavg()[0];

    const s = Object.fromEntries(Object.entries(times).map(([name, values]) => [name, stats(values)]));
    const rows = Object.entries(s).map(([what, v]) => ({ what, value: v.median, unit: "ms", digits: 1, note: `min ${v.min.toFixed(1)}, max ${v.max.toFixed(1)}` }));
    const ratio = (a, b) => (s[a].median / s[b].median).toFixed(2);
    const ratios = [
      `cached tsbpf run / bpftrace: ${ratio("tsbpf run hello.bpf.ts, cached", "bpftrace one-liner")}x (goal <= 1.0x)`,
      `tsbpf run x.o / bpftrace: ${ratio("tsbpf run hello.bpf.o", "bpftrace one-liner")}x (goal <= 1.0x)`,
      `uncached tsbpf run / bpftrace: ${ratio("tsbpf run hello.bpf.ts, uncached", "bpftrace one-liner")}x (goal <= 2x); without the compiler snapshot ${ratio("tsbpf run hello.bpf.ts, uncached, no compiler snapshot", "bpftrace one-liner")}x`,
      `in-process load()+attach() / libbpf C: ${ratio("in process: load() + attach(), embedded object", "in process: libbpf open/load/attach (C), same object")}x (goal <= 2x)`,
      `bundled app - node -e: +${(s["bundled app (esbuild, object embedded) exec"].median - s["node -e printing a line"].median).toFixed(1)} ms (goal <= +100 ms)`,
    ];
    const note = `${REPS} interleaved rounds${RT ? ", every process under SCHED_FIFO (chrt -f 10)" : ""}; load average ${load.before.toFixed(2)} before, ${load.after.toFixed(2)} after, on ${cpus().length} cores shared with other work`;
    const table = [
      "| scenario | median ms | min ms | max ms |",
      "|---|---:|---:|---:|",
      ...Object.entries(s).map(([name, v]) => `| ${name} | ${v.median.toFixed(1)} | ${v.min.toFixed(1)} | ${v.max.toFixed(1)} |`),
    ].join("\n");
    writeResults(`## Start-up: exec to "attached", and load() + attach() in process\n\n${new Date().toISOString().slice(0, 10)}, Node ${process.version}, bpftrace ${execFileSync("bpftrace", ["--version"], { encoding: "utf8" }).trim()}; ${note}.\n\n${table}\n\n${ratios.map((r) => `- ${r}`).join("\n")}\n`);
    return { title: `Start-up (${note})`, rows, ratios };
  } finally {
    for (const undo of cleanup) undo();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Replaces this bench's section of bench/RESULTS.md (other benches keep theirs). */
function writeResults(section) {
  const file = join(root, "bench", "RESULTS.md");
  const begin = "<!-- startup.bench.mjs: begin -->";
  const end = "<!-- startup.bench.mjs: end -->";
  let text = existsSync(file) ? readFileSync(file, "utf8") : "# Benchmark results\n\nWritten by `npm run bench`.\n";
  const block = `${begin}\n${section}${end}\n`;
  const at = text.indexOf(begin);
  text = at >= 0 ? text.slice(0, at) + block + text.slice(text.indexOf(end) + end.length + 1) : `${text.trimEnd()}\n\n${block}`;
  writeFileSync(file, text);
}
