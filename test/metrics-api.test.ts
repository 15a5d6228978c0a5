// @tsbpf/metrics in process: serveMetrics on a loaded probe and exportOtel to an OTLP/HTTP
// receiver the test runs. The writes of test/support/writer.c, made from a cgroup the test
// creates (named as a containerd container of a Kubernetes pod, with the kubelet's pod log folder
// faked for the pod's name), come back as exactly the series the writes imply, labelled with the
// cgroup path, container id, pod uid, namespace and name; a scrape changes no map; the series cap
// holds and is counted; ring buffer events carry the same identity; the OTLP payloads (JSON, as
// the SDK's OTLP/HTTP exporters send them, configured by OTEL_EXPORTER_OTLP_ENDPOINT) hold the
// same values.
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { load, type LoadedProbe } from "tsbpf";
import { Enricher, PodNames, exportOtel, serveMetrics } from "tsbpf/metrics";
import { FleetMetrics } from "./fixtures/fleet-metrics.bpf.ts";
import { makeTestCgroup, type TestCgroup } from "./support/cgroup.js";
import { describeKernel } from "./support/kernel.js";
import { attributes as attrs, startOtlpReceiver, type Kv } from "./support/otlp-receiver.js";
import { startWriter, type Writes } from "./support/writer.js";

const plan: Writes[] = [
  { comm: "alpha", fd: 50, size: 1, times: 3 },
  { comm: "alpha", fd: 51, size: 150, times: 2 },
  { comm: "beta", fd: 52, size: 700, times: 4 },
  { comm: "beta", fd: 50, size: 5000, times: 1 },
];
const sizes = plan.flatMap((w) => Array<number>(w.times).fill(w.size));
const sum = (list: number[]) => list.reduce((a, b) => a + b, 0);

/** The sample lines of a Prometheus text exposition: name, labels, value. */
function samples(text: string): { name: string; labels: Record<string, string>; value: number }[] {
  const out = [];
  for (const line of text.split("\n")) {
    if (line === "" || line.startsWith("#")) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m) throw new Error(`not a sample line: ${line}`);
    const labels = Object.fromEntries([...(m[2] ?? "").matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)].map((l) => [l[1]!, l[2]!]));
    out.push({ name: m[1]!, labels, value: Number(m[3]) });
  }
  return out;
}

let probe: LoadedProbe<FleetMetrics> | undefined;
let cgroup: TestCgroup | undefined;
let pods: string | undefined;
const events: unknown[] = [];

describeKernel("@tsbpf/metrics on a loaded probe", () => {
  beforeAll(async () => {
    cgroup = makeTestCgroup("api");
    // The kubelet's folder of pod logs, <namespace>_<name>_<uid>: where the pod's name comes from.
    pods = mkdtempSync(join(tmpdir(), "tsbpf-pods-"));
    mkdirSync(join(pods, `shop_web-0_${cgroup.podUid}`));
    probe = await load(FleetMetrics, { config: { watchedCgroup: cgroup.id } });
    probe.attach();
    const writer = startWriter(plan);
    cgroup.enter(writer.pid);
    await writer.run();
    probe.events.consume((event) => events.push(event));
  }, 60_000);
  afterAll(async () => {
    await probe?.close();
    cgroup?.remove();
    if (pods) rmSync(pods, { recursive: true, force: true });
  });

  it("serves every map as the series the writes imply, labelled with the cgroup, container and pod", async () => {
    const identity = new Enricher({ pods: new PodNames(pods) });
    const server = await serveMetrics(probe!, { address: ":0", identity, maps: { linear: { help: "write sizes, 100 bytes a bucket" } } });
    try {
      expect(server.host).toBe("127.0.0.1");
      const response = await fetch(server.url);
      expect(response.headers.get("content-type")).toContain("text/plain; version=0.0.4");
      const text = await response.text();
      const all = samples(text);
      const find = (name: string) => all.filter((s) => s.name === name);

      const where = { cgroup_id: String(cgroup!.id), cgroup: cgroup!.path, container_id: cgroup!.containerId, pod_uid: cgroup!.podUid, namespace: "shop", pod: "web-0" };
      const writes = find("tsbpf_writes_total");
      expect(writes.length).toBe(plan.length);
      for (const w of plan) {
        expect(writes.find((s) => s.labels.comm === w.comm && s.labels.fd === String(w.fd))).toEqual({
          name: "tsbpf_writes_total", labels: { ...where, comm: w.comm, fd: String(w.fd) }, value: w.times });
      }
      const bytesOf = (comm: string) => sum(plan.filter((w) => w.comm === comm).map((w) => w.size * w.times));
      expect(find("tsbpf_bytes_total").map((s) => [s.labels.key, s.value]).sort()).toEqual([["alpha", bytesOf("alpha")], ["beta", bytesOf("beta")]]);
      // Gauges: the largest size per descriptor; the per-CPU map merged over the CPUs.
      const byFd = (fd: number) => plan.filter((w) => w.fd === fd);
      for (const fd of [50, 51, 52]) {
        expect(find("tsbpf_largest").find((s) => s.labels.key === String(fd))?.value).toBe(Math.max(...byFd(fd).map((w) => w.size)));
        expect(find("tsbpf_fd_writes").find((s) => s.labels.key === String(fd))?.value).toBe(sum(byFd(fd).map((w) => w.times)));
        expect(find("tsbpf_stats_count").find((s) => s.labels.key === String(fd))?.value).toBe(sum(byFd(fd).map((w) => w.times)));
        expect(find("tsbpf_stats_sum").find((s) => s.labels.key === String(fd))?.value).toBe(sum(byFd(fd).map((w) => w.times * w.size)));
      }
      expect(text).toContain("# TYPE tsbpf_stats summary");
      // The log2 histogram: every bound 0, 1, 3, ... up to the largest size's, cumulative.
      const log2 = find("tsbpf_sizes_bucket");
      const bounds = log2.map((s) => s.labels.le);
      expect(bounds.at(-1)).toBe("+Inf");
      for (const s of log2) expect(s.value, `le ${s.labels.le}`).toBe(sizes.filter((v) => s.labels.le === "+Inf" || v <= Number(s.labels.le)).length);
      expect(bounds.slice(0, -1).map(Number)).toEqual(Array.from({ length: 14 }, (_, k) => 2 ** k - 1)); // 5000 <= 8191 = 2^13 - 1
      expect(find("tsbpf_sizes_sum")[0]?.value).toBe(sum(sizes));
      expect(find("tsbpf_sizes_count")[0]?.value).toBe(sizes.length);
      // The linear histogram (0..1000 by 100): its inner bounds 99..999, sizes from 1000 on only in +Inf.
      const linear = find("tsbpf_linear_bucket");
      expect(linear.map((s) => s.labels.le)).toEqual([...Array.from({ length: 10 }, (_, k) => String(k * 100 + 99)), "+Inf"]);
      for (const s of linear) expect(s.value).toBe(sizes.filter((v) => s.labels.le === "+Inf" || v <= Number(s.labels.le)).length);
      expect(text).toContain("# HELP tsbpf_linear write sizes, 100 bytes a bucket");
      expect(find("tsbpf_metrics_series_dropped").every((s) => s.value === 0)).toBe(true);

      // OpenMetrics when asked for it; other methods and paths refused.
      const open = await fetch(server.url, { headers: { accept: "application/openmetrics-text; version=1.0.0" } });
      expect(open.headers.get("content-type")).toContain("application/openmetrics-text");
      expect(await open.text()).toMatch(/# TYPE tsbpf_writes counter\n[^]*tsbpf_writes_total\{[^]*\n# EOF\n$/);
      expect((await fetch(server.url, { method: "POST" })).status).toBe(405);
      expect((await fetch(server.url.replace("/metrics", "/other"))).status).toBe(404);
    } finally {
      await server.close();
    }
  });

  it("changes no map when scraped, however often, and caps the series of a map, counting what it left out", async () => {
    const raw = async () => JSON.stringify([...(await probe!.writes.entries())], (_k, v: unknown) => (typeof v === "bigint" ? String(v) : v));
    const before = await raw();
    const server = await serveMetrics(probe!, { address: "127.0.0.1:0", maxSeriesPerMap: 1, identity: false });
    try {
      const texts = await Promise.all(Array.from({ length: 8 }, () => fetch(server.url).then((r) => r.text())));
      expect(new Set(texts).size).toBe(1);
      const all = samples(texts[0]!);
      expect(all.filter((s) => s.name === "tsbpf_writes_total").length).toBe(1);
      expect(all.find((s) => s.name === "tsbpf_metrics_series_dropped" && s.labels.map === "writes")?.value).toBe(plan.length - 1);
      expect(all.find((s) => s.name === "tsbpf_metrics_series_dropped" && s.labels.map === "sizes")?.value).toBe(0);
      // identity: false: no cgroup labels.
      expect(all.find((s) => s.name === "tsbpf_writes_total")?.labels.cgroup).toBeUndefined();
    } finally {
      await server.close();
    }
    expect(await raw()).toBe(before);
  });

  it("gives events the cgroup, container and pod they came from", () => {
    const identity = new Enricher({ pods: new PodNames(pods) });
    expect(events.length).toBe(sizes.length);
    for (const event of events) {
      expect(identity.event(event as object).source).toEqual({
        path: cgroup!.path, containerId: cgroup!.containerId, runtime: "containerd", podUid: cgroup!.podUid, qosClass: "besteffort",
        podNamespace: "shop", podName: "web-0",
      });
    }
  });

  it("exports the same metrics and the events as log records over OTLP/HTTP, configured by OTEL_* variables", async () => {
    const receiver = await startOtlpReceiver();
    const received = receiver.received;
    const saved = { ...process.env };
    Object.assign(process.env, {
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint,
      OTEL_SERVICE_NAME: "fleet-test", OTEL_RESOURCE_ATTRIBUTES: "k8s.node.name=node-a",
    });
    try {
      const otel = await exportOtel(probe!, { identity: new Enricher({ pods: new PodNames(pods) }), intervalMs: 60_000 });
      for (const event of events) otel.emit("events", event);
      await otel.shutdown();
      const metrics = received.filter((r) => r.path === "/v1/metrics").map((r) => r.body);
      const logs = received.filter((r) => r.path === "/v1/logs").map((r) => r.body);
      expect(metrics.length).toBeGreaterThan(0);
      const resourceMetrics = (metrics.at(-1)!.resourceMetrics as { resource: { attributes: Kv[] }; scopeMetrics: { metrics: Record<string, any>[] }[] }[])[0]!;
      expect(attrs(resourceMetrics.resource.attributes)).toMatchObject({ "service.name": "fleet-test", "k8s.node.name": "node-a" });
      const byName = new Map(resourceMetrics.scopeMetrics.flatMap((s) => s.metrics).map((m) => [m.name as string, m]));
      const writes = byName.get("tsbpf_writes")!;
      expect(writes.sum.isMonotonic).toBe(true);
      const points = (writes.sum.dataPoints as { attributes: Kv[]; asDouble: number }[]).map((p) => ({ ...attrs(p.attributes), value: p.asDouble }) as Record<string, unknown>);
      for (const w of plan) {
        expect(points.find((p) => p.comm === w.comm && p.fd === String(w.fd))).toMatchObject({
          value: w.times, container_id: cgroup!.containerId, pod_uid: cgroup!.podUid, namespace: "shop", pod: "web-0" });
      }
      const histogram = (byName.get("tsbpf_sizes")!.histogram.dataPoints as { explicitBounds: number[]; bucketCounts: (string | number)[]; count: string | number; sum: number }[])[0]!;
      expect(Number(histogram.count)).toBe(sizes.length);
      expect(histogram.sum).toBe(sum(sizes));
      const bounds = [...histogram.explicitBounds, Infinity];
      histogram.bucketCounts.forEach((count, i) => {
        expect(Number(count), `bucket <= ${bounds[i]}`).toBe(sizes.filter((v) => v <= bounds[i]! && (i === 0 || v > bounds[i - 1]!)).length);
      });
      // The events: one log record each, the event's members in the body, the identity in attributes.
      const records = logs.flatMap((l) => (l.resourceLogs as { scopeLogs: { logRecords: { body: { kvlistValue: { values: Kv[] } }; attributes: Kv[] }[] }[] }[])
        .flatMap((r) => r.scopeLogs.flatMap((s) => s.logRecords)));
      expect(records.length).toBe(sizes.length);
      expect(records.map((r) => Number(attrs(r.body.kvlistValue.values).size)).sort((a, b) => a - b)).toEqual([...sizes].sort((a, b) => a - b));
      for (const r of records) {
        expect(attrs(r.attributes)).toMatchObject({ "tsbpf.map": "events", "container.id": cgroup!.containerId, "k8s.pod.uid": cgroup!.podUid,
          "k8s.namespace.name": "shop", "k8s.pod.name": "web-0", "cgroup.path": cgroup!.path });
      }
    } finally {
      process.env = saved;
      await receiver.close();
    }
  });
});
