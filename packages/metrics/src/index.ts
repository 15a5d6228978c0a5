/**
 * @tsbpf/metrics: a probe's maps and aggregations as Prometheus metrics (`serveMetrics`, and
 * `tsbpf run --metrics`) and as OpenTelemetry metrics and log records over OTLP (`exportOtel`),
 * with the cgroup, container and pod a series or an event came from (`Enricher`).
 * docs/fleet.md is the guide.
 */
export { serveMetrics, type ServeOptions, type MetricsServer, type Probes } from "./serve.js";
export { readFamilies, type Family, type Reading, type ReadOptions, type MapMetricOptions, type ProbeLike, type Point, type HistogramPoint, type SummaryPoint } from "./families.js";
export { exposition, type ExpositionFormat } from "./prometheus.js";
export { parseListenAddress, AddressError, type ListenAddress } from "./address.js";
export { cumulative, type Cumulative, type CumulativeBucket } from "./buckets.js";
export { keyLabels, type Labels } from "./labels.js";
export { snakeCase, metricName } from "./names.js";
export { Enricher, type Identity, type EnrichOptions } from "./cgroup/enrich.js";
export { parseCgroupPath, type CgroupIdentity } from "./cgroup/identity.js";
export { CgroupPaths, processCgroup, type CgroupPathsOptions } from "./cgroup/paths.js";
export { PodNames, type PodName } from "./cgroup/pods.js";
export { exportOtel, familiesToOtel, type OtelOptions, type OtelExport } from "./otel.js";
