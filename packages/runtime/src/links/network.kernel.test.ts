// Network hooks on a veth pair between two test namespaces: XDP (generic and native), tcx and
// classic tc on both directions, a socket filter dropping and keeping datagrams, and a flow
// dissector attached to a namespace. Programs are counters that let traffic through.
import { execFileSync } from "node:child_process";
import { afterAll, beforeAll, expect, it } from "vitest";
import { loadObject } from "../load/load-object.js";
import { describeKernel } from "../testing/kernel.js";
import { createTestNetwork, type TestNetwork } from "../testing/netns.js";
import { counterObject } from "../testing/programs.js";
import { openSocket, AF_INET, SOCK_DGRAM, SOCK_NONBLOCK, bindSocket, sockaddrIn, receive, sendTo } from "../sys/socket.js";
import { Errno } from "../sys/errno.js";
import { attachFlowDissector } from "./flow-dissector.js";
import { attachSocketFilter } from "./socket-filter.js";
import { attachTc } from "./tc.js";
import { attachTcx } from "./tcx.js";
import { attachXdp } from "./xdp.js";

const XDP_PASS = 2;
const TC_ACT_OK = 0;

describeKernel("network hooks on the kernel", () => {
  let net: TestNetwork;
  beforeAll(() => {
    net = createTestNetwork("net");
  });
  afterAll(() => net?.cleanup());

  for (const mode of ["generic", "native"] as const) {
    it(`counts packets with XDP in ${mode} mode`, async () => {
      await using object = await loadObject(counterObject("xdp", { returns: XDP_PASS }));
      using link = attachXdp("count", object.programs.get("count")!.fd.raw, { interface: net.receiverIf, mode, netns: net.receiver });
      expect(link.info().type).toBe(6); // BPF_LINK_TYPE_XDP
      net.sendUdp(5);
      expect(object.variable("hits")).toBeGreaterThanOrEqual(5n);
    });
  }

  it("counts packets with tcx ingress and egress", async () => {
    await using ingress = await loadObject(counterObject("tcx/ingress", { returns: TC_ACT_OK }));
    await using egress = await loadObject(counterObject("tcx/egress", { returns: TC_ACT_OK }));
    using a = attachTcx("count", ingress.programs.get("count")!.fd.raw, { interface: net.receiverIf, direction: "ingress", netns: net.receiver });
    using b = attachTcx("count", egress.programs.get("count")!.fd.raw, { interface: net.senderIf, direction: "egress", netns: net.sender });
    net.sendUdp(4);
    expect(ingress.variable("hits")).toBeGreaterThanOrEqual(4n);
    expect(egress.variable("hits")).toBeGreaterThanOrEqual(4n);
    expect(a.info().type).toBe(11); // BPF_LINK_TYPE_TCX
    expect(b.closed).toBe(false);
  });

  it("attaches classic tc through clsact and removes the qdisc it made", async () => {
    await using object = await loadObject(counterObject("tc", { returns: TC_ACT_OK }));
    const link = attachTc("count", object.programs.get("count")!.fd.raw, { interface: net.receiverIf, direction: "ingress", netns: net.receiver });
    const qdiscs = () => execFileSync("tc", ["-n", net.receiver, "qdisc", "show", "dev", net.receiverIf]).toString();
    expect(qdiscs()).toContain("clsact");
    expect(execFileSync("tc", ["-n", net.receiver, "filter", "show", "dev", net.receiverIf, "ingress"]).toString()).toContain("direct-action");
    net.sendUdp(3);
    expect(object.variable("hits")).toBeGreaterThanOrEqual(3n);
    expect(() => link.id()).toThrow(/not a BPF link/);
    link.close();
    expect(qdiscs()).not.toContain("clsact");
    const before = object.variable("hits");
    net.sendUdp(2);
    expect(object.variable("hits")).toBe(before);
  });

  it("filters a socket's datagrams: 0 drops, a length keeps", async () => {
    await using drop = await loadObject(counterObject("socket", { returns: 0 }));
    await using keep = await loadObject(counterObject("socket", { returns: 0xffff }));
    using sender = openSocket(AF_INET, SOCK_DGRAM, 0, "test sender");
    using target = openSocket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0, "test udp socket");
    const port = 40000 + (process.pid % 20000);
    bindSocket(target, sockaddrIn("127.0.0.1", port));
    const buf = new Uint8Array(64);
    const link = attachSocketFilter("count", drop.programs.get("count")!.fd.raw, { socket: target });
    sendTo(sender, new TextEncoder().encode("dropped"), sockaddrIn("127.0.0.1", port));
    expect(receive(target, buf)).toBe(-Errno.EAGAIN);
    expect(drop.variable("hits")).toBe(1n);
    link.close();
    using kept = attachSocketFilter("count", keep.programs.get("count")!.fd.raw, { socket: target });
    sendTo(sender, new TextEncoder().encode("kept"), sockaddrIn("127.0.0.1", port));
    expect(new TextDecoder().decode(buf.subarray(0, receive(target, buf)))).toBe("kept");
    expect(keep.variable("hits")).toBe(1n);
    expect(kept.target).toMatch(/socket filter/);
  });

  it("attaches a flow dissector to a namespace", async () => {
    await using object = await loadObject(counterObject("flow_dissector", { returns: 0 }));
    const program = object.programs.get("count")!;
    using link = attachFlowDissector("count", program.fd.raw, { netns: net.receiver });
    const info = link.info();
    expect(info.type).toBe(5); // BPF_LINK_TYPE_NETNS
    expect(info.programId).toBe(program.info().id);
    // A second one in the same namespace is refused while the first is attached.
    expect(() => attachFlowDissector("count", program.fd.raw, { netns: net.receiver })).toThrow(/EEXIST|E2BIG/);
  });
});
