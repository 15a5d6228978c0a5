#!/usr/bin/env node
// tsbpf's side of bench/events.bench.mjs, in its own process (as libbpf's consumer is): loads the
// compiled flood object, attaches it, releases a gated `wl getpid N` workload and consumes the
// events until the workload exits, then drains and prints one JSON line:
//   { events, lost, failed, wallMs, eventsPerS, workloadMs }
// wallMs is this consumer's view (release to the exit event); workloadMs the workload's own clock
// around its syscall loop (wl's total_ns), which the bench uses for both consumers alike.
// argv: OBJECT WL N kind(ring|perf) mode(epoll|busy) decode(typed|raw) config-json
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { setImmediate as turn } from "node:timers/promises";
import { loadObject } from "../../packages/runtime/dist/index.js";

const [objectPath, wl, n, kind, mode, decode, configJson] = process.argv.slice(2);
const config = JSON.parse(configJson ?? "{}");
if (config.wakeup_above !== undefined) config.wakeup_above = BigInt(config.wakeup_above);

// The workload waits for a line on stdin, so that its pid can filter before anything runs.
const child = spawn("sh", ["-c", `read go; exec ${wl} getpid ${n}`], { stdio: ["pipe", "ignore", "pipe"] });
let wlErr = "";
child.stderr.on("data", (d) => (wlErr += d));
const stderrDone = new Promise((resolve) => child.stderr.on("end", resolve));
const exited = new Promise((resolve) => child.on("exit", resolve));
let done = false;
exited.then(() => (done = true));

const object = await loadObject(new Uint8Array(readFileSync(objectPath)), { config: { ...config, targ_pid: child.pid } });
const reader = object.map(kind === "perf" ? "perf" : "events");
object.attach();
let events = 0;
const raw = decode === "raw";
const consume = raw ? () => reader.consumeRaw(onRecord) : () => reader.consume(onRecord);
// Producers that submit without wake-ups below a fill level: a timer delivers the trickle.
const pollIntervalMs = config.wake === 2 ? 50 : undefined;
const onRecord = raw ? (view) => { events += view.byteLength > 0 ? 1 : 0; } : (record) => { events += record.pid > 0 ? 1 : 0; };

const start = process.hrtime.bigint();
child.stdin.write("go\n");
let wallMs;
if (mode === "busy") {
  // Busy: consume in a loop, giving the event loop a turn now and then (the exit event needs one).
  while (!done) {
    for (let spin = 0; spin < 1000; spin++) consume();
    await turn();
  }
  wallMs = Number(process.hrtime.bigint() - start) / 1e6;
} else {
  const stop = new AbortController();
  const off = reader.onEvent(onRecord, { signal: stop.signal, raw, ...(pollIntervalMs ? { pollIntervalMs } : {}) });
  await exited;
  wallMs = Number(process.hrtime.bigint() - start) / 1e6;
  stop.abort();
  off?.();
}
consume();
const counter = kind === "perf" ? reader.failedOutputs : reader.failedReservations;
const failed = typeof counter === "bigint" ? Number(counter) : null;
const lost = typeof reader.lost === "bigint" ? Number(reader.lost) : 0;
await stderrDone;
const total = /total_ns=(\d+)/.exec(wlErr);
if (!total) throw new Error(`workload failed: ${wlErr}`);
const workloadMs = Number(total[1]) / 1e6;
console.log(JSON.stringify({ events, lost, failed, wallMs, eventsPerS: events / (wallMs / 1000), workloadMs }));
object.close();
