// `npm run bench editor`: how long tsbpf's diagnostics take to follow an edit in the editor.
//
// - in process: ProbeService.check of an edited example, warm (what the tsserver plugin adds to
//   each getSemanticDiagnostics of a probe file, and what `tsbpf lsp` runs after a pause);
// - end to end over LSP: `tsbpf lsp` on stdio (vscode-jsonrpc as the client), from sending a
//   didChange to receiving the publishDiagnostics for that version (its 25 ms debounce included).
//
// Each edit toggles an error in a method (a float literal in and out), so that every edit checks a
// new text. Each round edits every example in turn, KEYSTROKES times each; the first edit after
// another file's is counted apart (the compiler keeps one probe file in its project and re-reads
// the other's kernel-type slice then), the rest are typing on. REPS interleaved rounds;
// min/median/max each, load average noted.
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { loadavg } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { createMessageConnection, StreamMessageReader, StreamMessageWriter } from "vscode-jsonrpc/node";
import { ProbeService } from "@tsbpf/ts-plugin/service";
import { writeResultsSection } from "./results-section.mjs";

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const cli = join(root, "packages", "tsbpf", "dist", "cli.js");
const REPS = Number(process.env.TSBPF_BENCH_REPS ?? 5);
const KEYSTROKES = 4;
const EXAMPLES = ["hello.bpf.ts", "opensnoop.bpf.ts", "unlink.bpf.ts"];

/** The example with a float declared before the first `return 0;` on odd edits: a new text each edit. */
function variant(text, n) {
  const at = text.indexOf("return 0;");
  return text.slice(0, at) + (n % 2 ? `let r${n} = 1.5; ` : `let r${n} = 1; `) + text.slice(at);
}

const stats = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return { min: s[0], median: s[Math.floor(s.length / 2)], max: s[s.length - 1] };
};

async function lspClient() {
  const child = spawn(process.execPath, [cli, "lsp", "--stdio"], { stdio: ["pipe", "pipe", "inherit"] });
  const connection = createMessageConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
  const waiting = new Map();
  connection.onNotification("textDocument/publishDiagnostics", (p) => waiting.get(`${p.uri}@${p.version}`)?.(p));
  connection.onNotification("window/logMessage", () => {});
  connection.listen();
  await connection.sendRequest("initialize", { processId: process.pid, rootUri: pathToFileURL(root).href, capabilities: {} });
  await connection.sendNotification("initialized", {});
  const published = (uri, version) => new Promise((resolve) => waiting.set(`${uri}@${version}`, resolve));
  return {
    async open(uri, text) {
      const done = published(uri, 1);
      await connection.sendNotification("textDocument/didOpen", { textDocument: { uri, languageId: "typescript", version: 1, text } });
      await done;
    },
    /** Milliseconds from didChange (whole text) to the diagnostics of that version. */
    async change(uri, version, text) {
      const done = published(uri, version);
      const began = performance.now();
      await connection.sendNotification("textDocument/didChange", { textDocument: { uri, version }, contentChanges: [{ text }] });
      const p = await done;
      return { ms: performance.now() - began, count: p.diagnostics.length };
    },
    async close() {
      await connection.sendRequest("shutdown");
      await connection.sendNotification("exit");
      await new Promise((resolve) => child.once("exit", resolve));
    },
  };
}

export async function run() {
  const load = loadavg()[0].toFixed(1);
  const service = new ProbeService(() => {});
  const lsp = await lspClient();
  const texts = new Map(EXAMPLES.map((e) => [e, readFileSync(join(root, "examples", e), "utf8")]));
  const samples = new Map();
  const record = (key, ms) => samples.set(key, [...(samples.get(key) ?? []), ms]);
  // Warm both: the first check parses TypeScript's libraries and tsbpf's declarations.
  const coldStart = performance.now();
  for (const e of EXAMPLES) service.check(join(root, "examples", e), texts.get(e));
  const cold = performance.now() - coldStart;
  for (const e of EXAMPLES) await lsp.open(pathToFileURL(join(root, "examples", e)).href, texts.get(e));
  // Each round edits every example in turn, KEYSTROKES times each: the first edit after switching
  // from another probe file is counted apart from the next ones (typing on in the same file).
  let version = 1;
  for (let round = 0; round < REPS; round++) {
    version++;
    for (const e of EXAMPLES) {
      const path = join(root, "examples", e);
      for (let k = 0; k < KEYSTROKES; k++) {
        const n = round * KEYSTROKES + k + 1;
        const text = variant(texts.get(e), n);
        const kind = k === 0 ? "first edit after another file's" : "next keystroke";
        const check = service.check(path, text);
        if (check.diagnostics.some((d) => d.code === 2001) !== (n % 2 === 1)) throw new Error(`${e}: edit ${n} reported ${JSON.stringify(check.diagnostics)}`);
        record(`${e}|in process|${kind}`, check.milliseconds);
      }
    }
    for (const e of EXAMPLES) {
      const path = join(root, "examples", e);
      for (let k = 0; k < KEYSTROKES; k++) {
        const n = round * KEYSTROKES + k + 1;
        const kind = k === 0 ? "first edit after another file's" : "next keystroke";
        const { ms, count } = await lsp.change(pathToFileURL(path).href, ++version, variant(texts.get(e), n + 1000));
        if ((count > 0) !== (n % 2 === 1)) throw new Error(`${e}: edit ${n} published ${count} diagnostics`);
        record(`${e}|tsbpf lsp, didChange → publishDiagnostics|${kind}`, ms);
      }
    }
  }
  await lsp.close();
  const rows = [{ what: "first check in a process (3 examples: libraries, declarations, vmlinux slices)", value: cold, unit: "ms", digits: 0 }];
  for (const [key, xs] of samples) {
    const [e, where, kind] = key.split("|");
    const { min, median, max } = stats(xs);
    rows.push({ what: `${e}, ${where}: ${kind}, median`, value: median, unit: "ms", digits: 0, note: `min ${min.toFixed(0)}, max ${max.toFixed(0)}, ${xs.length} edits` });
  }
  const title = `Editor: diagnostics after an edit (\`npm run bench editor\`, issue 16)`;
  const loadAfter = loadavg()[0].toFixed(1);
  const width = Math.max(...rows.map((r) => r.what.length));
  writeResults([
    `## ${title}`,
    "",
    `${new Date().toISOString().slice(0, 10)}, Node ${process.version}, ${process.arch}; load average ${load} before, ${loadAfter} after (2 cores shared).`,
    "Warm unless said; milliseconds. The LSP rows include the server's 25 ms pause after a keystroke.",
    "",
    "```",
    ...rows.map((r) => `${r.what.padEnd(width)}  ${r.value.toFixed(0).padStart(6)} ms${r.note ? `   (${r.note})` : ""}`),
    "```",
    "",
  ].join("\n"));
  return { title: `${title}; load average ${load} → ${loadAfter}`, rows };
}

/** Replaces this bench's section of bench/RESULTS.md (other benches keep theirs). */
const writeResults = (section) => writeResultsSection("editor", section);
