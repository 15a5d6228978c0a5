// Socket maps and their programs on loopback TCP connections made by a child process in a cgroup
// the test creates: sock_ops (attached to the cgroup) counts the connections' TCP states and puts
// their sockets into a sockmap and a sockhash; the sk_skb stream verdict program on the sockmap
// moves what the server's socket receives into the client's receive queue, and the sk_msg program
// on the sockhash sends what the client writes out of the server's socket. The child reports what
// each of its sockets read: the bytes arrive at the other socket, never at the server's reader.
// Needs Linux 4.18 (sockhash); sockmap links 6.10 (older kernels: BPF_PROG_ATTACH).
import { execFileSync } from "node:child_process";
import { mkdirSync, rmdirSync } from "node:fs";
import { afterAll, beforeAll, expect, it } from "vitest";
import { load } from "tsbpf";
import { cgroupV2Root } from "../packages/runtime/src/sys/cgroup.ts";
import { SockRedirect } from "./fixtures/sockmap.bpf.ts";
import { describeKernel } from "./support/kernel.js";

const BPF_TCP = { ESTABLISHED: 1, FIN_WAIT1: 4, FIN_WAIT2: 5, CLOSE: 7, CLOSE_WAIT: 8, LAST_ACK: 9 };
const OPS = { ACTIVE_ESTABLISHED: 4, PASSIVE_ESTABLISHED: 5, STATE: 10 };

/**
 * The child: a server on `port` and a client connected to it; the client writes `payload` and
 * waits until it has read as many bytes back (or 3 s), then closes; the server closes when the
 * client's end arrives. Prints what each side read.
 */
const child = `
const fs = require("fs"), net = require("net");
const [cgroup, port, payload] = process.argv.slice(1);
fs.writeFileSync(cgroup + "/cgroup.procs", String(process.pid));
const seen = { server: "", client: "" };
const server = net.createServer((s) => {
  s.on("data", (d) => (seen.server += d));
  s.on("end", () => s.end());
  s.on("close", () => { server.close(); setTimeout(() => { process.stdout.write(JSON.stringify(seen)); process.exit(0); }, 200); });
});
server.listen(Number(port), "127.0.0.1", () => {
  const c = net.connect(Number(port), "127.0.0.1", () => setTimeout(() => c.write(payload), 100));
  const timer = setTimeout(() => c.end(), 3000);
  c.on("data", (d) => { seen.client += d; if (seen.client.length >= payload.length) { clearTimeout(timer); c.end(); } });
  c.on("end", () => c.destroy());
});
`;

describeKernel("sockmap, sockhash: sock_ops, sk_skb and sk_msg on loopback", () => {
  let cgroup: string;
  beforeAll(() => {
    cgroup = `${cgroupV2Root()}/tsbpf-sockmap-${process.pid}`;
    mkdirSync(cgroup);
  });
  afterAll(() => {
    try {
      rmdirSync(cgroup);
    } catch {
      // a child still inside: left for the next boot
    }
  });

  const port = () => 20000 + Math.floor(Math.random() * 20000);
  const run = (p: number, payload: string) => JSON.parse(execFileSync(process.execPath, ["-e", child, cgroup, String(p), payload], { timeout: 20_000 }).toString()) as { server: string; client: string };

  it("sock_ops counts a connection's states; the stream verdict redirects into the client's receive queue", async () => {
    const echoPort = port();
    await using probe = await load(SockRedirect, { config: { echoPort, msgPort: echoPort + 1 } });
    probe.programs.onSockOps.attach({ cgroup });
    probe.programs.onData.attach({ map: probe.sockets.fd });
    const seen = run(echoPort, "hello, sockmap");
    expect(seen).toEqual({ server: "", client: "hello, sockmap" });
    expect(probe.updateError).toBe(0n);
    expect(probe.redirected).toBe(14n);
    expect(probe.verdictBytes).toBe(14n);
    expect(probe.ops.get(OPS.ACTIVE_ESTABLISHED)).toBe(1n);
    expect(probe.ops.get(OPS.PASSIVE_ESTABLISHED)).toBe(1n);
    // TCP's state machine for the close the child makes: the client closes first, FIN_WAIT1,
    // FIN_WAIT2, then CLOSE (the full socket's end when TIME_WAIT takes over); the server becomes
    // ESTABLISHED after its PASSIVE_ESTABLISHED callback (which asked for these), then CLOSE_WAIT,
    // LAST_ACK, CLOSE. The client was ESTABLISHED before its callback asked.
    const states = (base: number) => Object.fromEntries(Object.entries(BPF_TCP).map(([name, s]) => [name, probe.states.get(base + s)]));
    expect(states(0)).toEqual({ ESTABLISHED: 0n, FIN_WAIT1: 1n, FIN_WAIT2: 1n, CLOSE: 1n, CLOSE_WAIT: 0n, LAST_ACK: 0n });
    expect(states(16)).toEqual({ ESTABLISHED: 1n, FIN_WAIT1: 0n, FIN_WAIT2: 0n, CLOSE: 1n, CLOSE_WAIT: 1n, LAST_ACK: 1n });
  }, 120_000); // the first load compiles the probe

  it("sk_msg sends what the client writes out of the server's socket, keyed by port in a sockhash", async () => {
    const msgPort = port();
    await using probe = await load(SockRedirect, { config: { echoPort: msgPort + 1, msgPort } });
    probe.programs.onSockOps.attach({ cgroup });
    probe.programs.onMessage.attach({ map: probe.byPort.fd });
    const seen = run(msgPort, "ping through sk_msg");
    expect(seen).toEqual({ server: "", client: "ping through sk_msg" });
    expect(probe.updateError).toBe(0n);
    expect(probe.messages).toBe(1n);
    expect(probe.messageBytes).toBe(19n);
    const keys: number[] = [];
    for await (const key of probe.byPort.keys()) keys.push(key);
    expect(keys).toEqual([]); // closed sockets leave the map
  });
});
