/**
 * The same metrics through OpenTelemetry's JavaScript SDK, exported over OTLP, and a probe's
 * events (ring and perf buffers) as OTLP log records. The maps are read at each collection by a
 * MetricProducer handed to the SDK's PeriodicExportingMetricReader, so that the SDK's exporter,
 * retry and batching do the rest; the exporters are the official OTLP/HTTP ones, configured as
 * every OpenTelemetry SDK is, by the standard variables: OTEL_EXPORTER_OTLP_ENDPOINT (or
 * OTEL_EXPORTER_OTLP_METRICS_ENDPOINT, _LOGS_ENDPOINT), OTEL_EXPORTER_OTLP_HEADERS,
 * OTEL_EXPORTER_OTLP_TIMEOUT, OTEL_METRIC_EXPORT_INTERVAL and _TIMEOUT, OTEL_BLRP_* for logs,
 * OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES for the resource (service.name: tsbpf unless
 * set). Counters are cumulative sums from the export's start; a stats() aggregation becomes two
 * sums (`_count`, `_sum`), OpenTelemetry having no summary; identities go in the semantic
 * conventions' attributes (container.id, k8s.pod.uid, k8s.namespace.name, k8s.pod.name).
 */
import { ValueType, type Attributes, type HrTime } from "@opentelemetry/api";
import type { AnyValue, AnyValueMap } from "@opentelemetry/api-logs";
import { OTLPLogExporter } from "@opentelemetry/exporter-logs-otlp-http";
import { OTLPMetricExporter } from "@opentelemetry/exporter-metrics-otlp-http";
import { detectResources, envDetector, resourceFromAttributes, type Resource } from "@opentelemetry/resources";
import { BatchLogRecordProcessor, LoggerProvider, type LogRecordExporter } from "@opentelemetry/sdk-logs";
import {
  AggregationTemporality, DataPointType, MeterProvider, PeriodicExportingMetricReader,
  type CollectionResult, type MetricData, type MetricProducer, type PushMetricExporter,
} from "@opentelemetry/sdk-metrics";
import { PerfBufReader, RingBufReader } from "@tsbpf/runtime";
import type { Identity } from "./cgroup/enrich.js";
import { readFamilies, type Reading, type ReadOptions } from "./families.js";
import { enricherFor, probeList, type Probes, type ServeOptions } from "./serve.js";

export interface OtelOptions extends Omit<ReadOptions, "enrich"> {
  identity?: ServeOptions["identity"];
  /** Where metrics go (default: the OTLP/HTTP exporter, configured by the OTEL_* variables). */
  metricExporter?: PushMetricExporter;
  /** Where log records go (default: the OTLP/HTTP exporter). */
  logExporter?: LogRecordExporter;
  /** Milliseconds between exports (default OTEL_METRIC_EXPORT_INTERVAL, else 60000). */
  intervalMs?: number;
}

export interface OtelExport {
  meterProvider: MeterProvider;
  loggerProvider: LoggerProvider;
  /** One event as a log record: its members in the body, the map, probe and identity as attributes. */
  emit(map: string, event: unknown, probe?: string): void;
  /** Emits every record of the probes' ring and perf buffers until `signal` aborts (the only reader of them meanwhile). */
  followEvents(signal: AbortSignal): Promise<void>;
  /** Exports what is pending now. */
  flush(): Promise<void>;
  /** Flushes and stops. */
  shutdown(): Promise<void>;
}

const hrTime = (ms: number): HrTime => [Math.floor(ms / 1000), Math.round((ms % 1000) * 1e6)];

const attributes = (labels: Record<string, string>): Attributes => ({ ...labels });

/** The families of a reading as the SDK's metric data (what the OTLP transformer sends). */
export function familiesToOtel(reading: Reading, start: HrTime, end: HrTime): MetricData[] {
  const out: MetricData[] = [];
  const descriptor = (name: string, help: string, unit: string | undefined) => ({ name, description: help, unit: unit ?? "", valueType: ValueType.DOUBLE });
  for (const family of reading.families) {
    const base = { aggregationTemporality: AggregationTemporality.CUMULATIVE };
    switch (family.type) {
      case "counter":
        out.push({ ...base, descriptor: descriptor(family.name.replace(/_total$/, ""), family.help, family.unit), dataPointType: DataPointType.SUM, isMonotonic: true,
          dataPoints: family.points.map((p) => ({ startTime: start, endTime: end, attributes: attributes(p.labels), value: p.value })) });
        break;
      case "gauge":
        out.push({ ...base, descriptor: descriptor(family.name, family.help, family.unit), dataPointType: DataPointType.GAUGE,
          dataPoints: family.points.map((p) => ({ startTime: start, endTime: end, attributes: attributes(p.labels), value: p.value })) });
        break;
      case "summary":
        for (const part of ["count", "sum"] as const) {
          out.push({ ...base, descriptor: descriptor(`${family.name}_${part}`, `${family.help} (${part})`, part === "count" ? "" : family.unit),
            dataPointType: DataPointType.SUM, isMonotonic: true,
            dataPoints: family.points.map((p) => ({ startTime: start, endTime: end, attributes: attributes(p.labels), value: p[part] })) });
        }
        break;
      case "histogram":
        out.push({ ...base, descriptor: descriptor(family.name, family.help, family.unit), dataPointType: DataPointType.HISTOGRAM,
          dataPoints: family.points.map((p) => {
            // OpenTelemetry's buckets are counts per bucket (not cumulative), the last one above every bound.
            const counts = p.buckets.map((b, i) => b.count - (i > 0 ? p.buckets[i - 1]!.count : 0));
            counts.push(p.count - (p.buckets.at(-1)?.count ?? 0));
            return { startTime: start, endTime: end, attributes: attributes(p.labels),
              value: { buckets: { boundaries: p.buckets.map((b) => b.le), counts }, count: p.count, ...(p.sum !== undefined ? { sum: p.sum } : {}) } };
          }) });
        break;
    }
  }
  return out;
}

/** An event's members as an OTLP map (bigints as numbers when exact, else strings). */
function anyValue(value: unknown): AnyValue {
  if (typeof value === "bigint") return Number.isSafeInteger(Number(value)) ? Number(value) : String(value);
  if (value instanceof Uint8Array) return value;
  if (Array.isArray(value)) return value.map(anyValue);
  if (value && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, anyValue(v)])) as AnyValueMap;
  return value as AnyValue;
}

function identityAttributes(id: Identity | undefined): Attributes {
  if (!id) return {};
  return {
    "cgroup.path": id.path,
    ...(id.containerId ? { "container.id": id.containerId } : {}),
    ...(id.runtime ? { "container.runtime": id.runtime } : {}),
    ...(id.podUid ? { "k8s.pod.uid": id.podUid } : {}),
    ...(id.podNamespace ? { "k8s.namespace.name": id.podNamespace } : {}),
    ...(id.podName ? { "k8s.pod.name": id.podName } : {}),
  };
}

/** Starts exporting the probes' maps as metrics (and, through `emit`/`followEvents`, their events as logs). */
export async function exportOtel(probes: Probes, options: OtelOptions = {}): Promise<OtelExport> {
  const list = probeList(probes);
  const enricher = enricherFor(options.identity);
  const readOptions: ReadOptions = { ...options, ...(enricher ? { enrich: (labels) => enricher.labels(labels) } : {}) };
  const detected = detectResources({ detectors: [envDetector] });
  await detected.waitForAsyncAttributes?.();
  const resource: Resource = resourceFromAttributes({ "service.name": "tsbpf" }).merge(detected);
  const started = hrTime(Date.now());
  const producer: MetricProducer = {
    async collect(): Promise<CollectionResult> {
      const reading = await readFamilies(list, readOptions);
      const metrics = familiesToOtel(reading, started, hrTime(Date.now()));
      return { resourceMetrics: { resource, scopeMetrics: [{ scope: { name: "@tsbpf/metrics" }, metrics }] }, errors: [] };
    },
  };
  const envInterval = Number(process.env.OTEL_METRIC_EXPORT_INTERVAL);
  const envTimeout = Number(process.env.OTEL_METRIC_EXPORT_TIMEOUT);
  const intervalMs = options.intervalMs ?? (envInterval > 0 ? envInterval : 60_000);
  const reader = new PeriodicExportingMetricReader({
    exporter: options.metricExporter ?? new OTLPMetricExporter(),
    exportIntervalMillis: intervalMs,
    exportTimeoutMillis: Math.min(intervalMs, envTimeout > 0 ? envTimeout : 30_000),
    metricProducers: [producer],
  });
  const meterProvider = new MeterProvider({ resource, readers: [reader] });
  const loggerProvider = new LoggerProvider({ resource, processors: [new BatchLogRecordProcessor({ exporter: options.logExporter ?? new OTLPLogExporter() })] });
  const logger = loggerProvider.getLogger("@tsbpf/metrics");
  const emit = (map: string, event: unknown, probe?: string) => {
    const source = enricher?.of(event);
    logger.emit({
      body: anyValue(event),
      attributes: { "tsbpf.map": map, ...(probe ? { "tsbpf.probe": probe } : {}), ...identityAttributes(source) },
      timestamp: Date.now(),
    });
  };
  const followEvents = async (signal: AbortSignal) => {
    const loops: Promise<void>[] = [];
    for (const { name: probe, object } of list) {
      for (const [map, reader] of object.maps) {
        if (!(reader instanceof RingBufReader) && !(reader instanceof PerfBufReader)) continue;
        loops.push((async () => {
          for await (const event of reader.events({ signal })) emit(map, event, list.length > 1 ? probe : undefined);
        })());
      }
    }
    await Promise.all(loops);
  };
  return {
    meterProvider,
    loggerProvider,
    emit,
    followEvents,
    flush: async () => {
      await meterProvider.forceFlush();
      await loggerProvider.forceFlush();
    },
    shutdown: async () => {
      await meterProvider.shutdown();
      await loggerProvider.shutdown();
    },
  };
}
