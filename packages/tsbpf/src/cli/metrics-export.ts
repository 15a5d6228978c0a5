/**
 * `tsbpf run --metrics <address>`: the probes' maps served for Prometheus while they run
 * (@tsbpf/metrics, docs/fleet.md), and, when OTEL_METRICS_EXPORTER=otlp is set as OpenTelemetry's
 * SDKs read it, pushed over OTLP to the endpoint the OTEL_* variables name. The package is
 * imported only then, so that a plain run never loads prom-client or the OpenTelemetry SDK.
 */
import { parseListenAddress } from "@tsbpf/metrics/address";
import type { BpfObject } from "@tsbpf/runtime";
import { InvalidArgumentError } from "commander";
import { UsageError } from "./args.js";

/** `--metrics`: checked when the options are parsed, before anything compiles or loads. */
export function parseMetricsAddress(text: string): string {
  try {
    parseListenAddress(text);
  } catch (error) {
    throw new InvalidArgumentError((error as Error).message + ".");
  }
  return text;
}

/** Starts what the options and environment ask for; returns how to stop it (undefined: nothing started). */
export async function startMetrics(probes: { name: string; object: BpfObject }[], address: string | undefined,
  env: NodeJS.ProcessEnv, stderr: NodeJS.WritableStream): Promise<(() => Promise<void>) | undefined> {
  const otlp = (env.OTEL_METRICS_EXPORTER ?? "").split(",").map((s) => s.trim()).includes("otlp");
  if (address === undefined && !otlp) return undefined;
  const metrics = await import("@tsbpf/metrics");
  const stops: (() => Promise<void>)[] = [];
  try {
    if (address !== undefined) {
      const listen = parseListenAddress(address);
      const server = await metrics.serveMetrics(probes, { address: listen }).catch((error: NodeJS.ErrnoException) => {
        throw new UsageError(`--metrics: cannot listen on ${address}: ${error.code ?? error.message}`);
      });
      stops.push(server.close);
      stderr.write(`tsbpf: serving metrics at ${server.url}\n`);
    }
    if (otlp) {
      const otel = await metrics.exportOtel(probes);
      stops.push(otel.shutdown);
    }
  } catch (error) {
    for (const stop of stops) await stop();
    throw error;
  }
  return async () => {
    for (const stop of stops) await stop().catch(() => undefined);
  };
}
