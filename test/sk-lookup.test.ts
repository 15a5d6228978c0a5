// sk_lookup steering a connection to a chosen socket: a listener the test binds to one port is
// put into the probe's sockmap; with the program attached to this network namespace, a connect to
// another port (where nothing listens: refused before the attach, and again after the detach)
// reaches that listener, which sees the connection's destination port. Needs Linux 5.9.
import { connect, createServer, type AddressInfo, type Server, type Socket } from "node:net";
import { expect, it } from "vitest";
import { load } from "tsbpf";
import { Steer } from "./fixtures/sk-lookup.bpf.ts";
import { describeKernel } from "./support/kernel.js";

/** Connects to 127.0.0.1:port, sends "hi" and resolves with "connected" or the error code. */
function tryConnect(port: number): Promise<string> {
  return new Promise((resolve) => {
    const c = connect(port, "127.0.0.1", () => c.end("hi", () => resolve("connected")));
    c.on("error", (e: NodeJS.ErrnoException) => resolve(e.code ?? String(e)));
  });
}

/** A port nothing listens on (bound and released). */
async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, "127.0.0.1", resolve));
  const port = (s.address() as AddressInfo).port;
  await new Promise((resolve) => s.close(resolve));
  return port;
}

describeKernel("sk_lookup", () => {
  it("steers connections to another port into the listener stored in the sockmap", async () => {
    const fromPort = await freePort();
    const accepted: { localPort: number; data: string }[] = [];
    const server: Server = createServer((s: Socket) => {
      let data = "";
      s.on("data", (d) => (data += d));
      s.on("end", () => accepted.push({ localPort: s.localPort!, data }));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      expect(await tryConnect(fromPort)).toBe("ECONNREFUSED");
      await using probe = await load(Steer, { config: { fromPort } });
      const fd = (server as unknown as { _handle: { fd: number } })._handle.fd;
      probe.sockets.set(0, fd);
      const link = probe.programs.steer.attach({});
      expect(await tryConnect(fromPort)).toBe("connected");
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(accepted).toEqual([{ localPort: fromPort, data: "hi" }]);
      expect(probe.steered).toBe(1n);
      expect(probe.assignResult).toBe(0n);
      link.close();
      expect(await tryConnect(fromPort)).toBe("ECONNREFUSED");
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  }, 120_000); // the first load compiles the probe
});
