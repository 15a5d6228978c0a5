// xdp-portfilter: the XDP program drops IPv4 UDP/TCP packets to the configured port and passes
// everything else, first on packets the test builds (BPF_PROG_TEST_RUN), then attached to a veth
// in a test network namespace with real traffic, and under `tsbpf run --interface`.
import { afterAll, beforeAll, expect, it } from "vitest";
import { load } from "tsbpf";
import { createTestNetwork, type TestNetwork } from "../packages/runtime/src/testing/netns.ts";
import { PortFilter } from "../examples/xdp-portfilter.bpf.ts";
import { attached, start } from "./support/child.js";
import { describeKernel } from "./support/kernel.js";
import { ipv4Packet } from "./support/packets.js";
import { cliPath, example } from "./support/paths.js";

const XDP_DROP = 1;
const XDP_PASS = 2;

describeKernel("examples/xdp-portfilter.bpf.ts", () => {
  let net: TestNetwork;
  beforeAll(() => {
    net = createTestNetwork("dsl-xdp");
  });
  afterAll(() => net?.cleanup());

  it("drops UDP and TCP to the port, passes the rest (test runs on built packets)", async () => {
    await using filter = await load(PortFilter, { config: { port: 9999 } });
    const verdict = (packet: Uint8Array) => filter.programs.filter.testRun({ data: packet }).retval;
    const dropped = [ipv4Packet(), ipv4Packet({ protocol: 6 }), ipv4Packet({ ihl: 7 }), ipv4Packet({ payload: 0 })];
    for (const packet of dropped) expect(verdict(packet)).toBe(XDP_DROP);
    expect(verdict(ipv4Packet({ destPort: 9998 }))).toBe(XDP_PASS);
    expect(verdict(ipv4Packet({ sourcePort: 9999, destPort: 80 }))).toBe(XDP_PASS);
    expect(verdict(ipv4Packet({ protocol: 1 }))).toBe(XDP_PASS);
    expect(verdict(ipv4Packet({ etherType: 0x86dd }))).toBe(XDP_PASS);
    expect(verdict(ipv4Packet().subarray(0, 36))).toBe(XDP_PASS); // cut inside the UDP header
    expect(verdict(ipv4Packet().subarray(0, 14))).toBe(XDP_PASS); // an Ethernet header alone
    // Shorter than an Ethernet header: the kernel's bare EINVAL, named before the call.
    expect(() => verdict(ipv4Packet().subarray(0, 13))).toThrow(/at least an Ethernet header \(14 bytes\); got 13/);
    expect(filter.drops.get(0)).toEqual({ packets: BigInt(dropped.length), bytes: BigInt(dropped.reduce((n, p) => n + p.length, 0)) });
  });

  it("drops real traffic to the port on a veth, and lets other ports through", async () => {
    await using filter = await load(PortFilter, { config: { port: 9999 } });
    filter.programs.filter.attach({ interface: net.receiverIf, netns: net.receiver, mode: "generic" });
    net.sendUdp(5, 9999);
    net.sendUdp(3, 7777);
    expect(filter.drops.get(0)?.packets).toBe(5n);
  });

  it("runs under `tsbpf run --interface --netns`", async () => {
    const run = start(process.execPath, [cliPath, "run", example("xdp-portfilter.bpf.ts"), "--interface", net.receiverIf,
      "--netns", net.receiver, "--config", "port=9999", "--duration", "2", "--json"]);
    await attached(run);
    net.sendUdp(4, 9999);
    const { stdout, stderr, code } = await run.finished;
    expect(stderr).toBe("");
    expect(code).toBe(0);
    const lines = stdout.trim().split("\n").map((line) => JSON.parse(line));
    expect(lines[0]).toMatchObject({ kind: "attached", probe: "PortFilter", links: 1 });
    const drops = lines.find((l) => l.kind === "map" && l.map === "drops");
    expect(drops.entries[0]).toMatchObject([0, { packets: 4 }]);
  });
});
