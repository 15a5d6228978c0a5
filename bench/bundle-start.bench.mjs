// `npm run bench`: a bundled app's exec to "attached" against `node -e 0`. The bundler-test app
// (test/fixtures/bundler-app: load an exec probe, attach, print "attached") is built with
// @tsbpf/unplugin by esbuild (tsbpf bundled, @tsbpf/runtime external) and by rollup (tsbpf left
// in node_modules); each run spawns `node <bundle>` and stops the clock at the "attached" line.
// The object is embedded, so nothing is compiled and TypeScript is never loaded. Goal: at most
// 100 ms more than Node's own start. Median of 9 runs each; the section of bench/RESULTS.md
// between this benchmark's markers is rewritten with the numbers.
import { spawn, execFileSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { rollup } from "rollup";
import tsbpf from "@tsbpf/unplugin";

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const RUNS = 9;

const median = (times) => [...times].sort((a, b) => a - b)[Math.floor(times.length / 2)];

/** ms from spawn to the "attached" line of a bundle (the process is then killed). */
function toAttached(bundle) {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const child = spawn(process.execPath, [bundle], { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.on("data", (chunk) => {
      out += chunk;
      if (out.includes('"kind":"attached"')) {
        const ms = performance.now() - start;
        child.kill("SIGKILL");
        child.on("exit", () => resolve(ms));
      }
    });
    child.stderr.on("data", (chunk) => (err += chunk));
    child.on("exit", (code) => {
      if (!out.includes('"kind":"attached"')) reject(new Error(`the bundle exited (${code}) before attaching:\n${err}`));
    });
  });
}

function nodeStart() {
  const start = performance.now();
  execFileSync(process.execPath, ["-e", "0"]);
  return performance.now() - start;
}

async function sample(measure) {
  const times = [];
  for (let i = 0; i < RUNS; i++) times.push(await measure());
  return median(times);
}

export async function run() {
  const dir = mkdtempSync(join(tmpdir(), "tsbpf-bundle-start-"));
  try {
    cpSync(join(root, "test", "fixtures", "bundler-app"), dir, { recursive: true });
    symlinkSync(join(root, "node_modules"), join(dir, "node_modules"));
    const esbuilt = join(dir, "esbuild", "app.mjs");
    await build({ entryPoints: [join(dir, "app.mjs")], bundle: true, platform: "node", format: "esm", outfile: esbuilt, plugins: [tsbpf.esbuild()], logLevel: "silent" });
    const rolled = join(dir, "rollup", "app.mjs");
    const bundle = await rollup({ input: join(dir, "app.mjs"), external: [/^tsbpf(\/|$)/, /^node:/], plugins: [tsbpf.rollup()], onwarn: () => {} });
    await bundle.write({ file: rolled, format: "es" });
    await bundle.close();

    await toAttached(esbuilt); // warm the page cache
    const node = await sample(nodeStart);
    const esbuildMs = await sample(() => toAttached(esbuilt));
    const rollupMs = await sample(() => toAttached(rolled));
    const rows = [
      { what: "node -e 0 (exec to exit)", value: node, unit: "ms", digits: 0 },
      { what: "esbuild bundle (tsbpf bundled): exec to attached", value: esbuildMs, unit: "ms", digits: 0, note: `${(readFileSync(esbuilt).length / 1024).toFixed(0)} KiB` },
      { what: "rollup bundle (tsbpf from node_modules): exec to attached", value: rollupMs, unit: "ms", digits: 0 },
    ];
    const ratios = [
      `esbuild bundle: +${(esbuildMs - node).toFixed(0)} ms over node -e 0 (goal <= +100 ms)`,
      `rollup bundle: +${(rollupMs - node).toFixed(0)} ms over node -e 0 (goal <= +100 ms)`,
    ];
    record(rows, ratios);
    return { title: "A bundled app's exec to attached (@tsbpf/unplugin, embedded object) vs node -e 0", rows, ratios };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Rewrites this benchmark's section of bench/RESULTS.md (other benchmarks keep theirs). */
function record(rows, ratios) {
  const file = join(root, "bench", "RESULTS.md");
  const begin = "<!-- bundle-start: begin -->";
  const end = "<!-- bundle-start: end -->";
  const section = [
    begin,
    "## A bundled app's exec to \"attached\" against `node -e 0`",
    "",
    `bench/bundle-start.bench.mjs, ${new Date().toISOString().slice(0, 10)}, Node ${process.version}, median of ${RUNS} runs, a shared 2-core machine. ` +
      "The app (test/fixtures/bundler-app/app.mjs) loads an exec tracepoint probe whose object @tsbpf/unplugin embedded, attaches it and prints \"attached\".",
    "",
    "| what | ms |",
    "|---|---:|",
    ...rows.map((r) => `| ${r.what}${r.note ? ` (${r.note})` : ""} | ${r.value.toFixed(0)} |`),
    "",
    ...ratios.map((r) => `- ${r}`),
    end,
  ].join("\n");
  const text = existsSync(file) ? readFileSync(file, "utf8") : "# Benchmark results\n\nWritten by `npm run bench` (bench/run.mjs); each benchmark rewrites its own section.\n";
  const at = text.indexOf(begin);
  const next = at >= 0 ? text.slice(0, at) + section + text.slice(text.indexOf(end) + end.length) : `${text.trimEnd()}\n\n${section}\n`;
  writeFileSync(file, next);
}
