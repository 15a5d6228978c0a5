// `tsbpf run --metrics` scraped by a real Prometheus (Debian's package): the writes of two rounds
// of test/support/writer.c, made from a cgroup the test creates (named as a Kubernetes pod's
// container), answer PromQL queries with the values the test caused: a counter's instant rate
// between two scrapes, a labelled sum, histogram_quantile over the log2 histogram of known sizes
// (the expected quantiles computed from the sizes written, with Prometheus' documented linear
// interpolation inside a bucket), the histogram's _sum, and the cgroup/container/pod labels. The
// same run pushes its metrics over OTLP/HTTP, as OTEL_METRICS_EXPORTER=otlp and
// OTEL_EXPORTER_OTLP_ENDPOINT ask, to a receiver the test runs: the counts arrive there too.
import { spawnSync } from "node:child_process";
import { createServer } from "node:net";
import { afterAll, expect, it } from "vitest";
import { attached, start } from "./support/child.js";
import { makeTestCgroup, type TestCgroup } from "./support/cgroup.js";
import { describeKernel } from "./support/kernel.js";
import { cliPath, fixture } from "./support/paths.js";
import { attributes, startOtlpReceiver, type OtlpReceiver } from "./support/otlp-receiver.js";
import { freePort, startPrometheus, type Prometheus } from "./support/prometheus.js";
import { startWriter, type Writes } from "./support/writer.js";

const roundA: Writes[] = [
  { comm: "alpha", fd: 50, size: 1, times: 3 },
  { comm: "alpha", fd: 51, size: 100, times: 2 },
];
const roundB: Writes[] = [
  { comm: "alpha", fd: 50, size: 1, times: 7 },
  { comm: "beta", fd: 52, size: 700, times: 4 },
  { comm: "beta", fd: 53, size: 5000, times: 4 },
];
const all = [...roundA, ...roundB];

/** The log2 bucket bound (le) of a value: 0, 1, 3, 7, ... (2^k - 1). */
const le = (v: number) => (v === 0 ? 0 : 2 ** Math.ceil(Math.log2(v + 1)) - 1);

/**
 * Prometheus' histogram_quantile over log2 buckets: the bucket whose count reaches the rank, and a
 * linear interpolation between its lower bound (the log2 bound below it: (le - 1) / 2, 0 for the
 * first) and its le.
 */
function expectedQuantile(q: number, values: number[]): number {
  const rank = q * values.length;
  const upper = [...new Set(values.map(le))].sort((a, b) => a - b).find((b) => values.filter((v) => v <= b).length >= rank)!;
  const lower = upper === 0 ? 0 : (upper - 1) / 2;
  const below = values.filter((v) => v <= lower).length;
  const within = values.filter((v) => v <= upper).length - below;
  return lower + (upper - lower) * ((rank - below) / within);
}

let cgroup: TestCgroup | undefined;
let prometheus: Prometheus | undefined;
let receiver: OtlpReceiver | undefined;
afterAll(async () => {
  await prometheus?.stop();
  await receiver?.close();
  cgroup?.remove();
});

describeKernel("tsbpf run --metrics, scraped by Prometheus", () => {
  it("answers PromQL with the counts, sums and quantiles of the writes the test made from its cgroup", async () => {
    cgroup = makeTestCgroup("prom");
    const port = await freePort();
    receiver = await startOtlpReceiver();
    const run = start(process.execPath, [cliPath, "run", fixture("fleet-metrics.bpf.ts"), "--json",
      "--metrics", `127.0.0.1:${port}`, "--config", `watchedCgroup=${cgroup.id}`], {
      ...process.env, OTEL_METRICS_EXPORTER: "otlp", OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint, OTEL_METRIC_EXPORT_INTERVAL: "300",
    });
    try {
      await attached(run);
      expect(run.stdout()).not.toContain("error");
      prometheus = await startPrometheus(`127.0.0.1:${port}`);
      const p = prometheus;
      const value = async (q: string) => (await p.query(q)).map((s) => Number(s.value![1]));
      const waitFor = async (q: string, want: number, what: string) => {
        const deadline = Date.now() + 20_000;
        let got: number[] = [];
        while (Date.now() < deadline) {
          got = await value(q);
          if (got.length === 1 && got[0] === want) return;
          await new Promise((r) => setTimeout(r, 100));
        }
        throw new Error(`${what}: ${q} gave ${JSON.stringify(got)}, not ${want}\n${p.output()}`);
      };
      await waitFor('up{job="tsbpf"}', 1, "the target to be up");

      // Round A, then (once Prometheus has scraped it) round B, each writer moved into the cgroup first.
      for (const [round, plan] of [["A", roundA], ["B", roundB]] as const) {
        const writer = startWriter(plan);
        cgroup.enter(writer.pid);
        await writer.run();
        const upTo = round === "A" ? roundA : all;
        await waitFor("sum(tsbpf_writes_total)", upTo.reduce((n, w) => n + w.times, 0), `round ${round} scraped`);
      }

      // A counter's rate: the series alpha/fd 50 went from 3 to 10 between two scrapes; irate at
      // the first scrape after is (10 - 3) / (the time between those scrapes).
      const series = 'tsbpf_writes_total{comm="alpha",fd="50"}';
      const [raw] = await p.query(`${series}[5m]`);
      const samples = raw!.values!.map(([t, v]) => [t, Number(v)] as const);
      const jump = samples.findIndex(([, v]) => v === 10);
      expect(samples[jump - 1]![1]).toBe(3);
      expect(samples.map(([, v]) => v).filter((v) => v !== 3 && v !== 10)).toEqual([]);
      const [t0, t1] = [samples[jump - 1]![0], samples[jump]![0]];
      const [irate] = await p.query(`irate(${series}[1m])`, t1);
      // (The API gives sample times to the millisecond: the expected rate is exact to about 1e-4.)
      expect(Number(irate!.value![1]) / (7 / (t1 - t0))).toBeCloseTo(1, 4);
      const [rate] = await p.query(`rate(${series}[1m])`, t1);
      expect(Number(rate!.value![1])).toBeGreaterThan(0);

      // A labelled sum: writes by comm (over descriptors), and bytes by comm (a SumMap keyed by comm).
      const byComm = Object.fromEntries((await p.query("sum by (comm) (tsbpf_writes_total)")).map((s) => [s.metric.comm, Number(s.value![1])]));
      const expectedCalls = (comm: string) => all.filter((w) => w.comm === comm).reduce((n, w) => n + w.times, 0);
      expect(byComm).toEqual({ alpha: expectedCalls("alpha"), beta: expectedCalls("beta") });
      const bytes = Object.fromEntries((await p.query("sum by (key) (tsbpf_bytes_total)")).map((s) => [s.metric.key, Number(s.value![1])]));
      const expectedBytes = (comm: string) => all.filter((w) => w.comm === comm).reduce((n, w) => n + w.times * w.size, 0);
      expect(bytes).toEqual({ alpha: expectedBytes("alpha"), beta: expectedBytes("beta") });

      // histogram_quantile over the sizes, against the sizes written.
      const sizes = all.flatMap((w) => Array<number>(w.times).fill(w.size));
      for (const q of [0.5, 0.7, 0.9, 0.99]) {
        const [result] = await p.query(`histogram_quantile(${q}, tsbpf_sizes_bucket)`);
        expect(Number(result!.value![1]), `quantile ${q}`).toBeCloseTo(expectedQuantile(q, sizes), 6);
      }
      expect(await value("tsbpf_sizes_count")).toEqual([sizes.length]);
      expect(await value("tsbpf_sizes_sum")).toEqual([sizes.reduce((a, b) => a + b, 0)]);

      // Where the writes came from: the cgroup the test made, its container id and pod uid.
      const origins = await p.query("tsbpf_writes_total");
      expect(origins.length).toBe(4);
      for (const { metric } of origins) {
        expect(metric).toMatchObject({ cgroup: cgroup.path, cgroup_id: String(cgroup.id), container_id: cgroup.containerId, pod_uid: cgroup.podUid });
      }

      // The OTLP pushes: the latest tsbpf_writes holds every write, by comm and descriptor.
      const total = all.reduce((n, w) => n + w.times, 0);
      const latestWrites = () => receiver!.metrics().get("tsbpf_writes")?.at(-1);
      const pushed = () => (latestWrites()?.sum.dataPoints ?? []).reduce((n: number, p: { asDouble: number }) => n + p.asDouble, 0);
      const deadline = Date.now() + 20_000;
      while (pushed() !== total && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      expect(pushed()).toBe(total);
      const points = latestWrites().sum.dataPoints.map((d: { attributes: never; asDouble: number }) => ({ ...attributes(d.attributes), value: d.asDouble }));
      for (const w of all) {
        const expected = all.filter((x) => x.comm === w.comm && x.fd === w.fd).reduce((n, x) => n + x.times, 0);
        expect(points.find((d: { comm: string; fd: string }) => d.comm === w.comm && d.fd === String(w.fd))).toMatchObject({ value: expected, container_id: cgroup.containerId });
      }
      expect(attributes(latestWrites().resource.attributes)).toMatchObject({ "service.name": "tsbpf" });

      run.child.kill("SIGINT");
      const { code, stderr } = await run.finished;
      expect(code, stderr).toBe(0);
      expect(stderr).toContain(`serving metrics at http://127.0.0.1:${port}/metrics`);
    } finally {
      run.child.kill("SIGKILL");
    }
  }, 120_000);

  it("refuses a port in use after loading: a usage error naming the address, stdout empty (the object cached by the run above)", async () => {
    const holder = createServer();
    await new Promise<void>((resolve) => holder.listen(0, "127.0.0.1", resolve));
    const port = (holder.address() as { port: number }).port;
    try {
      const r = spawnSync(process.execPath, [cliPath, "run", fixture("fleet-metrics.bpf.ts"), "--json", "--metrics", `127.0.0.1:${port}`, "--duration", "1"], { encoding: "utf8" });
      expect(r.status, r.stderr).toBe(2);
      expect(r.stdout).toBe("");
      expect(r.stderr).toContain(`--metrics: cannot listen on 127.0.0.1:${port}: EADDRINUSE`);
    } finally {
      holder.close();
    }
  }, 60_000);
});
