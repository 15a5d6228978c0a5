// XDP redirects through a CPU map and an XSK map (test/fixtures/cpumap-xskmap.bpf.ts) on the
// receiver's veth of a test network; datagrams are sent from the sender namespace and received by
// a UDP socket bound in the receiver namespace (what the test sent is the reference).
// CPU map: a redirect to a stored CPU hands the frame to that CPU's kthread, which builds the
// packet and passes it up the stack, so it arrives; a redirect to an empty slot falls back to the
// flags' action (XDP_DROP here), so nothing arrives. XSK map: no AF_XDP socket is bound (that
// needs a UMEM and rings from user space, which the runtime does not offer yet), so the redirect
// falls back to XDP_PASS and the datagrams arrive by the normal path.
// Needs Linux 4.15 (CPU map), 4.18 (XSK map).
import { execFileSync, spawn } from "node:child_process";
import { availableParallelism } from "node:os";
import { afterAll, beforeAll, expect, expectTypeOf, it } from "vitest";
import { load, type CpuMapHandle, type XskMapHandle } from "tsbpf";
import { createTestNetwork, type TestNetwork } from "../packages/runtime/src/testing/netns.ts";
import { inNetns } from "../packages/runtime/src/sys/netns.ts";
import { AF_INET, SOCK_DGRAM, SOL_SOCKET, openSocket, sendTo, setSocketInt, sockaddrIn } from "../packages/runtime/src/sys/socket.ts";
import { CpuAndXskRedirect } from "./fixtures/cpumap-xskmap.bpf.ts";
import { describeKernel } from "./support/kernel.js";

const XDP_DROP = 1n;
const XDP_PASS = 2n;
const XDP_REDIRECT = 4n;
const SO_NO_CHECK = 11;

/** A UDP receiver in namespace `ns` (a Node child): resolves once bound with a function that waits for `count` datagrams (or `waitMs`). */
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

/** Sends `count` datagrams ("tsbpf-1", ...) from the sender namespace without a UDP checksum (a redirected frame's offloaded sum would be left unfinished). */
function send(net: TestNetwork, count: number, port: number): void {
  const socket = inNetns(net.sender, () => openSocket(AF_INET, SOCK_DGRAM, 0, "sender"));
  try {
    setSocketInt(socket.raw, SOL_SOCKET, SO_NO_CHECK, 1, "SO_NO_CHECK");
    for (let n = 1; n <= count; n++) sendTo(socket, new TextEncoder().encode(`tsbpf-${n}`), sockaddrIn(net.receiverIp, port));
  } finally {
    socket.close();
  }
}

const sent = (count: number) => Array.from({ length: count }, (_, i) => `tsbpf-${i + 1}`);

describeKernel("CpuMap and XskMap: XDP redirects from a program", () => {
  let net: TestNetwork;
  beforeAll(() => {
    net = createTestNetwork("cpuxsk");
  });
  afterAll(() => net?.cleanup());

  it("datagrams redirected to a stored CPU arrive up the stack; to an empty slot they take the fallback (drop)", async () => {
    await using probe = await load(CpuAndXskRedirect);
    expectTypeOf(probe.cpus).toEqualTypeOf<CpuMapHandle>();
    const cpu = availableParallelism() > 1 ? 1 : 0;
    const stored = 7300 + cpu;
    const empty = 7300 + (1 - cpu);
    probe.cpus.set(cpu, { queueSize: 192 });
    probe.programs.toCpu.attach({ interface: net.receiverIf, netns: net.receiver });
    const redirected = await receiver(net.receiver, net.receiverIp, stored, 5, 10_000);
    const dropped = await receiver(net.receiver, net.receiverIp, empty, 1, 2_000); // listens 2 s for what must not come
    send(net, 5, stored);
    send(net, 3, empty);
    expect(await redirected()).toEqual(sent(5));
    expect(await dropped()).toEqual([]);
    expect(probe.verdicts.get(stored)).toBe(XDP_REDIRECT);
    expect(probe.verdicts.get(empty)).toBe(XDP_DROP);
    expect(probe.seen.get(stored)).toBe(5n);
    expect(probe.seen.get(empty)).toBe(3n);
  }, 120_000); // the first load compiles the probe

  it("a redirect to an XSK map slot without a socket falls back to the flags' action (pass)", async () => {
    await using probe = await load(CpuAndXskRedirect);
    expectTypeOf(probe.sockets).toEqualTypeOf<XskMapHandle>();
    probe.programs.toSocket.attach({ interface: net.receiverIf, netns: net.receiver });
    const passed = await receiver(net.receiver, net.receiverIp, 7400, 4, 10_000);
    send(net, 4, 7400);
    expect(await passed()).toEqual(sent(4));
    expect(probe.verdicts.get(7400)).toBe(XDP_PASS);
    expect(probe.seen.get(7400)).toBe(4n);
  }, 120_000);
});
