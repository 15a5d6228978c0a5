/**
 * Test-only: an OTLP/HTTP receiver on a loopback port. The OpenTelemetry SDK's OTLP/HTTP exporters
 * POST JSON (ExportMetricsServiceRequest to /v1/metrics, ExportLogsServiceRequest to /v1/logs);
 * each request is decoded and kept, and answered as a collector answers a full success.
 */
import { createServer } from "node:http";

export type Kv = { key: string; value: Record<string, unknown> };

/** OTLP attributes as a plain object (each AnyValue's one member: stringValue, intValue, ...). */
export const attributes = (list: Kv[] = []): Record<string, unknown> => Object.fromEntries(list.map((a) => [a.key, Object.values(a.value)[0]]));

export interface OtlpReceiver {
  endpoint: string;
  received: { path: string; body: any }[];
  /** The metrics of every /v1/metrics request so far, by name, the latest last. */
  metrics(): Map<string, any[]>;
  close(): Promise<void>;
}

export async function startOtlpReceiver(): Promise<OtlpReceiver> {
  const received: { path: string; body: any }[] = [];
  const server = createServer((request, response) => {
    let body = "";
    request.on("data", (c) => (body += c));
    request.on("end", () => {
      try {
        received.push({ path: request.url!, body: JSON.parse(body) });
        response.writeHead(200, { "content-type": "application/json" }).end("{}");
      } catch {
        response.writeHead(400).end();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as { port: number }).port}`,
    received,
    metrics() {
      const out = new Map<string, any[]>();
      for (const { path, body } of received) {
        if (path !== "/v1/metrics") continue;
        for (const rm of body.resourceMetrics ?? []) {
          for (const sm of rm.scopeMetrics ?? []) for (const m of sm.metrics ?? []) out.set(m.name, [...(out.get(m.name) ?? []), { ...m, resource: rm.resource }]);
        }
      }
      return out;
    },
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
