/**
 * Test-only: a real Prometheus server (Debian's prometheus package, installed by
 * scripts/ensure-test-tools.sh) scraping one target every 250 ms, with its storage in a temporary
 * folder, on a loopback port; PromQL through its HTTP API.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { toolPath } from "./kernel.js";

/** A free loopback port (bound and released: another process could take it meanwhile, rarely). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export interface PromSample { metric: Record<string, string>; value?: [number, string]; values?: [number, string][] }

export interface Prometheus {
  url: string;
  /** An instant query (at `time`, seconds, when given). */
  query(promql: string, time?: number): Promise<PromSample[]>;
  output(): string;
  stop(): Promise<void>;
}

export async function startPrometheus(target: string, intervalMs = 250): Promise<Prometheus> {
  const binary = toolPath("prometheus");
  const dir = mkdtempSync(join(tmpdir(), "tsbpf-prometheus-"));
  const port = await freePort();
  writeFileSync(join(dir, "prometheus.yml"), [
    "global:",
    `  scrape_interval: ${intervalMs}ms`,
    `  scrape_timeout: ${intervalMs}ms`,
    "scrape_configs:",
    "  - job_name: tsbpf",
    "    static_configs:",
    `      - targets: ["${target}"]`,
    "",
  ].join("\n"));
  const child: ChildProcess = spawn(binary, [
    `--config.file=${join(dir, "prometheus.yml")}`, `--storage.tsdb.path=${join(dir, "data")}`,
    `--web.listen-address=127.0.0.1:${port}`, "--log.level=warn",
  ], { stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout!.on("data", (c) => (output += c));
  child.stderr!.on("data", (c) => (output += c));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`prometheus exited (${child.exitCode}):\n${output}`);
    const ready = await fetch(`${url}/-/ready`).then((r) => r.ok, () => false);
    if (ready) break;
    if (Date.now() > deadline) throw new Error(`prometheus did not become ready:\n${output}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    output: () => output,
    async query(promql, time) {
      const params = new URLSearchParams({ query: promql, ...(time !== undefined ? { time: String(time) } : {}) });
      const response = await fetch(`${url}/api/v1/query?${params}`);
      const body = (await response.json()) as { status: string; error?: string; data: { result: PromSample[] } };
      if (body.status !== "success") throw new Error(`PromQL ${promql}: ${body.error}`);
      return body.data.result;
    },
    async stop() {
      child.kill("SIGTERM");
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
