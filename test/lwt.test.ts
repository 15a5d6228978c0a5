// Lightweight tunnel programs (@lwt) on routes in test network namespaces joined by a veth pair:
// the route's program counts the UDP datagrams the test sends to one port and drops those to
// another. lwt_out and lwt_xmit sit on the sender's route to the receiver: the receiver's sockets
// get exactly the datagrams let through, none of those dropped, and all of them again once the
// link is closed (the route is gone, `ip route` shows it). lwt_in sits on the receiver's route
// to a network behind it, which the receiver forwards: its IP statistics count as forwarded
// (Ip ForwDatagrams, /proc/net/snmp) exactly the datagrams let through. lwt_seg6local loads here;
// its End.BPF route needs CONFIG_IPV6_SEG6_LWTUNNEL, which only the VM kernels have.
import { execFileSync } from "node:child_process";
import { afterAll, beforeAll, expect, it } from "vitest";
import { load } from "tsbpf";
import { createTestNetwork, type TestNetwork } from "../packages/runtime/src/testing/netns.ts";
import { inNetns } from "../packages/runtime/src/sys/netns.ts";
import { AF_INET, SOCK_DGRAM, SOCK_NONBLOCK, bindSocket, openSocket, receive, sendTo, sockaddrIn } from "../packages/runtime/src/sys/socket.ts";
import type { Fd } from "../packages/runtime/src/sys/fd.ts";
import { LwtCounters } from "./fixtures/lwt.bpf.ts";
import { describeKernel } from "./support/kernel.js";
import { kernelConfigHas } from "./support/kernel-config.js";

const PASS_PORT = 9301;
const DROP_PORT = 9302;

/** Sends `count` datagrams from a socket opened in `netns`; returns how each send ended ("sent" or the error's code). */
function send(netns: string, to: string, port: number, count: number): string[] {
  const socket = inNetns(netns, () => openSocket(AF_INET, SOCK_DGRAM, 0, "lwt test sender"));
  try {
    return Array.from({ length: count }, (_, i) => {
      try {
        sendTo(socket, new TextEncoder().encode(`lwt-${i}`), sockaddrIn(to, port));
        return "sent";
      } catch (error) {
        return (error as { code?: string }).code ?? String(error);
      }
    });
  } finally {
    socket.close();
  }
}

/** Datagrams waiting on a non-blocking socket, drained. */
function drain(socket: Fd): number {
  const buf = new Uint8Array(256);
  let n = 0;
  while (receive(socket, buf) >= 0) n++;
  return n;
}

/** Waits (polling, up to 5 s on a loaded machine) until `done()`. */
async function until(done: () => boolean): Promise<void> {
  for (let i = 0; i < 100 && !done(); i++) await new Promise((resolve) => setTimeout(resolve, 50));
}

const forwarded = (netns: string): number => {
  const snmp = execFileSync("ip", ["netns", "exec", netns, "cat", "/proc/net/snmp"], { encoding: "utf8" }).split("\n").filter((l) => l.startsWith("Ip:"));
  const names = snmp[0]!.split(/\s+/);
  return Number(snmp[1]!.split(/\s+/)[names.indexOf("ForwDatagrams")]);
};

describeKernel("lightweight tunnel programs (@lwt) on routes", () => {
  let net: TestNetwork;
  let passSocket: Fd;
  let dropSocket: Fd;
  beforeAll(() => {
    net = createTestNetwork("lwt");
    [passSocket, dropSocket] = [PASS_PORT, DROP_PORT].map((port) =>
      inNetns(net.receiver, () => {
        const s = openSocket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0, `lwt test receiver :${port}`);
        bindSocket(s, sockaddrIn("10.201.0.2", port));
        return s;
      }),
    ) as [Fd, Fd];
    // Behind the receiver: 10.203.0.0/24 on a second veth pair, whose one neighbour is static.
    const ip = (...args: string[]) => execFileSync("ip", args, { stdio: "pipe" });
    ip("-n", net.receiver, "link", "add", "veth-f", "type", "veth", "peer", "name", "veth-g");
    for (const dev of ["veth-f", "veth-g"]) ip("-n", net.receiver, "link", "set", dev, "up");
    ip("-n", net.receiver, "neigh", "add", "10.203.0.9", "lladdr", "02:00:00:00:00:09", "dev", "veth-f", "nud", "permanent");
    ip("-n", net.sender, "route", "add", "10.203.0.0/24", "via", "10.201.0.2");
    execFileSync("ip", ["netns", "exec", net.receiver, "sysctl", "-qw", "net.ipv4.ip_forward=1"]);
  });
  afterAll(() => {
    passSocket?.close();
    dropSocket?.close();
    net?.cleanup();
  });

  for (const hook of ["out", "xmit"] as const) {
    it(`lwt_${hook} on the sender's route counts what it lets through and drops what it must`, async () => {
      await using probe = await load(LwtCounters, { config: { passPort: PASS_PORT, dropPort: DROP_PORT } });
      const program = hook === "out" ? probe.programs.onOutput : probe.programs.onXmit;
      const link = program.attach({ route: "10.201.0.2/32", interface: "veth-s", netns: net.sender });
      try {
        const routes = execFileSync("ip", ["-n", net.sender, "route", "show", "10.201.0.2/32"], { encoding: "utf8" });
        expect(routes).toMatch(new RegExp(`encap bpf ${hook} .*onX?\\w+`));
        drain(passSocket);
        drain(dropSocket);
        // The dropped ones first: when the others have all arrived, a dropped one would have too.
        // A datagram the route's program drops fails its send with EPERM (lwt_bpf.c: BPF_DROP is -EPERM).
        expect(send(net.sender, "10.201.0.2", DROP_PORT, 3)).toEqual(Array(3).fill("EPERM"));
        expect(send(net.sender, "10.201.0.2", PASS_PORT, 5)).toEqual(Array(5).fill("sent"));
        let passed = 0;
        await until(() => (passed += drain(passSocket)) >= 5);
        expect(passed).toBe(5);
        expect(drain(dropSocket)).toBe(0);
        const counts = hook === "out" ? [probe.outPassed, probe.outDropped] : [probe.xmitPassed, probe.xmitDropped];
        expect(counts).toEqual([5n, 3n]);
      } finally {
        link.close();
      }
      // The route is gone with the link: nothing counts or drops any more.
      expect(execFileSync("ip", ["-n", net.sender, "route", "show", "10.201.0.2/32"], { encoding: "utf8" })).not.toContain("encap");
      expect(send(net.sender, "10.201.0.2", DROP_PORT, 2)).toEqual(["sent", "sent"]);
      let arrived = 0;
      await until(() => (arrived += drain(dropSocket)) >= 2);
      expect(arrived).toBe(2);
      expect(hook === "out" ? probe.outDropped : probe.xmitDropped).toBe(3n);
    }, 120_000); // the first load compiles the probe
  }

  it("lwt_in on the receiver's forwarding route: forwarded exactly what it let through", async () => {
    await using probe = await load(LwtCounters, { config: { passPort: PASS_PORT, dropPort: DROP_PORT } });
    using link = probe.programs.onInput.attach({ route: "10.203.0.0/24", interface: "veth-f", netns: net.receiver });
    expect(execFileSync("ip", ["-n", net.receiver, "route", "show", "10.203.0.0/24"], { encoding: "utf8" })).toContain("encap bpf in");
    const before = forwarded(net.receiver);
    send(net.sender, "10.203.0.9", DROP_PORT, 4);
    send(net.sender, "10.203.0.9", PASS_PORT, 6);
    await until(() => probe.inPassed >= 6n && forwarded(net.receiver) - before >= 6);
    expect([probe.inPassed, probe.inDropped]).toEqual([6n, 4n]);
    expect(forwarded(net.receiver) - before).toBe(6);
    expect(link.closed).toBe(false);
  }, 120_000);

  // This kernel is built without SRv6 routes: the End.BPF route is refused, naming the options (the
  // kernel's config agrees); the VM kernels have them, and there the program counts and drops
  // SRv6 datagrams (test/vm/cases/progtypes.mjs, through test/other-kernel.test.ts).
  it("lwt_seg6local loads; its End.BPF route needs CONFIG_IPV6_SEG6_LWTUNNEL, which the refusal names", async () => {
    await using probe = await load(LwtCounters, { config: { passPort: PASS_PORT, dropPort: DROP_PORT } });
    expect(probe.programs.onSeg6.info().type).toBe(19); // BPF_PROG_TYPE_LWT_SEG6LOCAL
    expect(() => probe.programs.onSeg6.attach({ route: "10.203.0.0/24", interface: "veth-r", netns: net.receiver })).toThrow(/End.BPF route is an IPv6 route/);
    const attach = () => probe.programs.onSeg6.attach({ route: "fc00::100/128", interface: "veth-r", netns: net.receiver });
    if (kernelConfigHas("CONFIG_IPV6_SEG6_LWTUNNEL") === false) {
      expect(attach).toThrow(expect.objectContaining({ name: "NotSupportedError", message: expect.stringMatching(/CONFIG_IPV6_SEG6_LWTUNNEL/) }));
    } else {
      attach().close();
    }
  }, 120_000);

  it("refuses a route that is not one, before touching the kernel", async () => {
    await using probe = await load(LwtCounters, { config: { passPort: PASS_PORT, dropPort: DROP_PORT } });
    expect(() => probe.programs.onXmit.attach({ route: "10.201.0.300/32", interface: "veth-s", netns: net.sender })).toThrow(/not an IP address/);
    expect(() => probe.programs.onXmit.attach({ route: "10.201.0.2/40", interface: "veth-s", netns: net.sender })).toThrow(/prefix length/);
    expect(() => probe.programs.onXmit.attach({ interface: "veth-s" })).toThrow(/route/);
  }, 120_000);
});
