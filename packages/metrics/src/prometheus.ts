/**
 * Metric families in the Prometheus text exposition format, written by prom-client (its Registry
 * does the format: escaping, HELP and TYPE lines, the OpenMetrics variant). Each read is one fresh
 * registry holding static metric objects, so that nothing outlives a scrape.
 */
import { Registry, type RegistryContentType } from "prom-client";
import type { Family, Reading } from "./families.js";

export type ExpositionFormat = "prometheus" | "openmetrics";

/** One sample line as prom-client's Registry reads it from a metric's `get()`. */
type Values = { metricName?: string; labels: Record<string, string | number>; value: number }[];

function values(family: Family): Values {
  switch (family.type) {
    case "counter":
    case "gauge":
      return family.points.map((p) => ({ labels: p.labels, value: p.value }));
    case "summary":
      return family.points.flatMap((p) => [
        { metricName: `${family.name}_sum`, labels: p.labels, value: p.sum },
        { metricName: `${family.name}_count`, labels: p.labels, value: p.count },
      ]);
    case "histogram":
      return family.points.flatMap((p) => [
        ...p.buckets.map((b) => ({ metricName: `${family.name}_bucket`, labels: { ...p.labels, le: b.le }, value: b.count })),
        { metricName: `${family.name}_bucket`, labels: { ...p.labels, le: "+Inf" }, value: p.count },
        ...(p.sum !== undefined ? [{ metricName: `${family.name}_sum`, labels: p.labels, value: p.sum }] : []),
        { metricName: `${family.name}_count`, labels: p.labels, value: p.count },
      ]);
  }
}

/** A family as the static metric object prom-client's Registry formats. */
function metricObject(name: string, help: string, type: string, list: Values) {
  const object = { name, help, type, aggregator: "sum", values: list };
  return { ...object, get: async () => object };
}

export async function exposition(reading: Reading, format: ExpositionFormat = "prometheus"): Promise<{ contentType: string; text: string }> {
  const registry = new Registry<RegistryContentType>();
  registry.setContentType(format === "openmetrics" ? Registry.OPENMETRICS_CONTENT_TYPE : Registry.PROMETHEUS_CONTENT_TYPE);
  for (const family of reading.families) {
    // OpenMetrics writes `_total` itself; its counter's family name has none.
    const name = format === "openmetrics" && family.type === "counter" ? family.name.replace(/_total$/, "") : family.name;
    registry.registerMetric(metricObject(name, family.help, family.type, values(family)) as never);
  }
  return { contentType: registry.contentType, text: await registry.metrics() };
}
