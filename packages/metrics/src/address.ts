/**
 * Where the metrics endpoint listens: `host:port`, `[v6]:port`, `:port` or a bare port. Without a
 * host it is 127.0.0.1: a probe's metrics can tell much about a machine, so serving them beyond
 * it takes an explicit address (`0.0.0.0:9435` in a pod, say).
 */
export interface ListenAddress { host: string; port: number }

export class AddressError extends Error {
  constructor(text: string, why: string) {
    super(`metrics address "${text}": ${why} (expected host:port, :port or port, e.g. 127.0.0.1:9435)`);
    this.name = "AddressError";
  }
}

export function parseListenAddress(text: string): ListenAddress {
  const t = text.trim();
  let host: string;
  let port: string;
  if (/^\d+$/.test(t)) [host, port] = ["", t];
  else if (t.startsWith("[")) {
    const m = /^\[([0-9a-fA-F:.]+)\]:(\d+)$/.exec(t);
    if (!m) throw new AddressError(text, "an IPv6 address is written [address]:port");
    [host, port] = [m[1]!, m[2]!];
  } else {
    const colon = t.lastIndexOf(":");
    host = colon < 0 ? "" : t.slice(0, colon);
    port = t.slice(colon + 1);
    if (colon < 0 || !/^\d+$/.test(port) || host.includes(":")) throw new AddressError(text, "not an address");
  }
  const number = Number(port);
  if (number > 65535) throw new AddressError(text, "the port must be 0 to 65535");
  return { host: host || "127.0.0.1", port: number };
}
