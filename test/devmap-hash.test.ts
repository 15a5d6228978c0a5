// XDP redirect through a devmap hash (test/fixtures/devmap-hash.bpf.ts). Three namespaces: the
// test network's sender and receiver joined by veth-s/veth-r, and a sink joined to the receiver by
// a second pair, veth-a (receiver) / veth-b (sink). veth-b carries the receiver's address and MAC,
// so a frame leaving veth-a unchanged is one the sink's stack accepts. The XDP program on veth-r
// redirects datagrams by destination port through the map: those to the port stored there must
// arrive, every byte, at a UDP socket bound in the sink namespace; those to a port without an
// entry pass on veth-r and never reach the sink. Needs Linux 5.4 (devmap hash).
import { execFileSync, spawn } from "node:child_process";
import { afterAll, beforeAll, expect, expectTypeOf, it } from "vitest";
import { load, type DevMapHandle } from "tsbpf";
import { createTestNetwork, type TestNetwork } from "../packages/runtime/src/testing/netns.ts";
import { inNetns } from "../packages/runtime/src/sys/netns.ts";
import { AF_INET, SOCK_DGRAM, SOL_SOCKET, openSocket, sendTo, setSocketInt, sockaddrIn } from "../packages/runtime/src/sys/socket.ts";
import { PortRedirect } from "./fixtures/devmap-hash.bpf.ts";
import { describeKernel } from "./support/kernel.js";

const XDP_PASS = 2n;
const XDP_REDIRECT = 4n;
const REDIRECTED_PORT = 7100;
const PASSED_PORT = 7200;

const SO_NO_CHECK = 11;

const ip = (...args: string[]) => execFileSync("ip", args, { stdio: "pipe" }).toString();

/**
 * A UDP receiver bound to `port` in namespace `ns` (a Node child): resolves, once it is bound, with
 * a function that waits for `count` datagrams (or `waitMs`) and returns their payloads.
 */
async function receiver(ns: string, address: string, port: number, count: number, waitMs: number): Promise<() => Promise<string[]>> {
  const script = `const s=require("dgram").createSocket("udp4");const got=[];const done=()=>{console.log(JSON.stringify(got));process.exit(0)};` +
    `s.on("message",(m)=>{got.push(m.toString());if(got.length>=${count})done()});s.bind(${port},"${address}",()=>console.log("ready"));setTimeout(done,${waitMs});`;
  const child = spawn("ip", ["netns", "exec", ns, process.execPath, "-e", script], { stdio: ["ignore", "pipe", "inherit"] });
  let out = "";
  const exited = new Promise<void>((resolve) => child.on("exit", () => resolve()));
  await new Promise<void>((resolve, reject) => {
    child.stdout.on("data", (d: Buffer) => {
      out += d.toString();
      if (out.includes("ready\n")) resolve();
    });
    child.on("exit", (code) => reject(new Error(`receiver exited (${code}) before binding: ${out}`)));
  });
  return async () => {
    await exited;
    return JSON.parse(out.trim().split("\n").at(-1)!) as string[];
  };
}

/**
 * Sends `count` datagrams ("tsbpf-1", ...) from the sender namespace, without a UDP checksum
 * (SO_NO_CHECK; valid in IPv4). A veth offloads the checksum, leaving it for the receiving device
 * to trust; a frame that XDP redirects becomes a new packet on the target, which checks what is
 * there and would drop the unfinished sum.
 */
function send(net: TestNetwork, count: number, port: number): void {
  const socket = inNetns(net.sender, () => openSocket(AF_INET, SOCK_DGRAM, 0, "sender")); // a socket of the sender's namespace
  try {
    setSocketInt(socket.raw, SOL_SOCKET, SO_NO_CHECK, 1, "SO_NO_CHECK");
    for (let n = 1; n <= count; n++) sendTo(socket, new TextEncoder().encode(`tsbpf-${n}`), sockaddrIn(net.receiverIp, port));
  } finally {
    socket.close();
  }
}

describeKernel("DevMapHash: XDP redirect by a sparse key", () => {
  let net: TestNetwork;
  let sink: string;
  beforeAll(() => {
    net = createTestNetwork("devmaphash");
    sink = `${net.receiver}-k`;
    ip("netns", "add", sink);
    ip("-n", net.receiver, "link", "add", "veth-a", "type", "veth", "peer", "name", "veth-b", "netns", sink);
    const mac = (JSON.parse(ip("-n", net.receiver, "-j", "link", "show", net.receiverIf)) as { address: string }[])[0]!.address;
    ip("-n", sink, "link", "set", "veth-b", "address", mac);
    ip("-n", sink, "addr", "add", `${net.receiverIp}/24`, "dev", "veth-b");
    for (const [ns, dev] of [[net.receiver, "veth-a"], [sink, "veth-b"], [sink, "lo"]] as const) ip("-n", ns, "link", "set", dev, "up");
  });
  afterAll(() => {
    net?.cleanup();
    try {
      ip("netns", "del", sink);
    } catch {
      // never made
    }
  });

  it("datagrams to the stored port leave by the stored interface and arrive at the sink's socket", async () => {
    await using probe = await load(PortRedirect);
    expectTypeOf(probe.targets).toEqualTypeOf<DevMapHandle>();
    // veth-a's index in the receiver namespace, where the kernel resolves it.
    probe.targets.set(REDIRECTED_PORT, { interface: "veth-a", netns: net.receiver });
    const index = (JSON.parse(ip("-n", net.receiver, "-j", "link", "show", "veth-a")) as { ifindex: number }[])[0]!.ifindex;
    expect(probe.targets.interfaceIndex(REDIRECTED_PORT)).toBe(index);
    expect(probe.targets.interfaceIndex(PASSED_PORT)).toBeUndefined();
    probe.programs.steer.attach({ interface: net.receiverIf, netns: net.receiver });
    // An XDP program on veth-b: a veth takes redirected frames only when its peer runs XDP (or GRO).
    probe.programs.count.attach({ interface: "veth-b", netns: sink });
    const redirected = await receiver(sink, net.receiverIp, REDIRECTED_PORT, 5, 10_000);
    const passed = await receiver(sink, net.receiverIp, PASSED_PORT, 1, 2_000); // listens 2 s for what must not come
    send(net, 5, REDIRECTED_PORT);
    send(net, 3, PASSED_PORT);
    expect(await redirected()).toEqual(["tsbpf-1", "tsbpf-2", "tsbpf-3", "tsbpf-4", "tsbpf-5"]);
    expect(await passed()).toEqual([]); // it went up veth-r's stack, in the receiver namespace
    expect(probe.verdicts.get(REDIRECTED_PORT)).toBe(XDP_REDIRECT);
    expect(probe.verdicts.get(PASSED_PORT)).toBe(XDP_PASS);
    expect(probe.arrived.get(REDIRECTED_PORT)).toBe(5n);
    expect(probe.arrived.get(PASSED_PORT)).toBeUndefined();
  }, 120_000); // the first load compiles the probe
});
