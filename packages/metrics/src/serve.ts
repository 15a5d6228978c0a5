/**
 * `serveMetrics(probe, options)`: an HTTP endpoint Prometheus scrapes (`GET /metrics`) that reads
 * the probe's maps at each scrape. Scrapes that arrive while a read is under way share it, so
 * that however often it is scraped, at most one read runs; a read only looks maps up, never
 * changes them, and keeps at most `maxSeriesPerMap` series a map. It listens on 127.0.0.1:9435
 * unless given another address. Needs what the maps need: kernel 4.6 for per-CPU maps.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { BpfObject } from "@tsbpf/runtime";
import { parseListenAddress, type ListenAddress } from "./address.js";
import { Enricher, type EnrichOptions } from "./cgroup/enrich.js";
import { objectOf, readFamilies, type ProbeLike, type ReadOptions, type Reading } from "./families.js";
import { exposition } from "./prometheus.js";

export interface ServeOptions extends Omit<ReadOptions, "enrich"> {
  /** `host:port`, `:port`, a port, or { host, port } (default 127.0.0.1:9435; port 0 picks a free one). */
  address?: string | ListenAddress;
  /** Label series keyed by a cgroup id with its cgroup, container and pod (default true; false: off). */
  identity?: boolean | EnrichOptions | Enricher;
}

export interface MetricsServer {
  /** Where it listens (the port chosen when 0 was asked). */
  host: string;
  port: number;
  url: string;
  server: Server;
  /** Reads the maps as a scrape would (shared with a read under way). */
  read(): Promise<Reading>;
  close(): Promise<void>;
}

/** The probes as `readFamilies` takes them: one, or several named. */
export type Probes = ProbeLike | { name: string; object: BpfObject }[];

export function probeList(probes: Probes): { name: string; object: BpfObject }[] {
  return Array.isArray(probes) ? probes : [{ name: "probe", object: objectOf(probes) }];
}

/** The enricher an `identity` option asks for, or undefined. */
export function enricherFor(identity: ServeOptions["identity"]): Enricher | undefined {
  if (identity === false) return undefined;
  if (identity instanceof Enricher) return identity;
  try {
    return new Enricher(typeof identity === "object" ? identity : {});
  } catch {
    return undefined; // no cgroup2 mount: nothing to enrich from
  }
}

export async function serveMetrics(probes: Probes, options: ServeOptions = {}): Promise<MetricsServer> {
  const list = probeList(probes);
  const address = typeof options.address === "object" ? options.address : parseListenAddress(options.address ?? "127.0.0.1:9435");
  const enricher = enricherFor(options.identity);
  const readOptions: ReadOptions = { ...options, ...(enricher ? { enrich: (labels) => enricher.labels(labels) } : {}) };
  let inFlight: Promise<Reading> | undefined;
  const read = () => (inFlight ??= readFamilies(list, readOptions).finally(() => (inFlight = undefined)));

  const server = createServer((request, response) => {
    const path = (request.url ?? "/").split("?")[0];
    if (path !== "/metrics") {
      response.writeHead(path === "/" ? 200 : 404, { "content-type": "text/plain" }).end(path === "/" ? "tsbpf metrics: /metrics\n" : "not found\n");
      return;
    }
    if (request.method !== "GET" && request.method !== "HEAD") {
      response.writeHead(405, { allow: "GET, HEAD" }).end();
      return;
    }
    const openMetrics = (request.headers.accept ?? "").includes("application/openmetrics-text");
    read()
      .then((reading) => exposition(reading, openMetrics ? "openmetrics" : "prometheus"))
      .then(({ contentType, text }) => response.writeHead(200, { "content-type": contentType }).end(request.method === "HEAD" ? undefined : text))
      .catch((error: Error) => response.writeHead(500, { "content-type": "text/plain" }).end(`reading the maps failed: ${error.message}\n`));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(address.port, address.host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const bound = server.address() as AddressInfo;
  const host = bound.family === "IPv6" ? `[${bound.address}]` : bound.address;
  return {
    host: bound.address,
    port: bound.port,
    url: `http://${host}:${bound.port}/metrics`,
    server,
    read,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
