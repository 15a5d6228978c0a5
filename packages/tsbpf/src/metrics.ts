/**
 * `tsbpf/metrics`: a probe's maps as Prometheus and OpenTelemetry metrics, and where events came
 * from (cgroup, container, pod). The same as @tsbpf/metrics; docs/fleet.md is the guide.
 */
export * from "@tsbpf/metrics";
