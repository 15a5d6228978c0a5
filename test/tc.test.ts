// 002's tc example (examples/eunomia/tc.bpf.ts): attached as the tutorial's @tchook/@tcopts say
// (ifindex 1, which is lo, ingress, handle 1, priority 1) in a network namespace of the test's
// own, where the test sends UDP datagrams over lo with a chosen payload size and TTL: each one
// comes back as a printk line with its IP total length (20 + 8 + payload) and TTL; a non-IP frame
// test-run through the program prints nothing.
import { execFileSync } from "node:child_process";
import { afterAll, beforeAll, expect, it } from "vitest";
import { load } from "tsbpf";
import { TcIngress } from "../examples/eunomia/tc.bpf.ts";
import { describeKernel } from "./support/kernel.js";
import { ipv4Packet } from "./support/packets.js";
import { printkWhile } from "./support/printk.js";

const netns = `tsbpf-tc-${process.pid}`;

describeKernel("examples/eunomia/tc.bpf.ts", () => {
  beforeAll(() => {
    execFileSync("ip", ["netns", "add", netns]);
    execFileSync("ip", ["-n", netns, "link", "set", "lo", "up"]);
  });
  afterAll(() => execFileSync("ip", ["netns", "del", netns]));

  it("prints tot_len and ttl of each IPv4 packet arriving on lo (ifindex 1), and passes it", async () => {
    const index = execFileSync("ip", ["-n", netns, "-o", "link", "show", "lo"], { encoding: "utf8" });
    expect(index.startsWith("1: lo:")).toBe(true);
    await using probe = await load(TcIngress);
    probe.programs.tc_ingress.attach({ interface: "lo", direction: "ingress", netns, handle: 1, priority: 1 });
    // The filter as tc lists it: on clsact's ingress, with the seed's handle and priority.
    const filters = execFileSync("tc", ["-n", netns, "filter", "show", "dev", "lo", "ingress"], { encoding: "utf8" });
    expect(filters).toMatch(/pref 1 bpf .*handle 0x1 /);
    // A listener takes the datagrams: no ICMP port-unreachable comes back over lo.
    const script = `const d=require("dgram");const r=d.createSocket("udp4");r.bind(9999,"127.0.0.1",()=>{const s=d.createSocket("udp4");s.bind(()=>{s.setTTL(42);let n=0;r.on("message",()=>{if(++n===3){r.close();s.close()}});for(let i=0;i<3;i++)s.send(Buffer.alloc(100),9999,"127.0.0.1")})})`;
    const lines = await printkWhile(() => execFileSync("ip", ["netns", "exec", netns, process.execPath, "-e", script], { stdio: "pipe" }));
    // Every datagram arrived (the listener got three, so the program let them pass), and was printed once.
    expect(lines.filter((l) => l.message === "Got IP packet: tot_len: 128, ttl: 42").length).toBe(3);
  });

  it("attaches the filter with the handle and priority given (tc filter show lists them)", async () => {
    await using probe = await load(TcIngress);
    const links = probe.programs.tc_ingress.attach({ interface: "lo", direction: "ingress", netns, handle: 7, priority: 3 });
    const filters = () => execFileSync("tc", ["-n", netns, "filter", "show", "dev", "lo", "ingress"], { encoding: "utf8" });
    expect(filters()).toMatch(/pref 3 bpf .*handle 0x7 /);
    for (const link of [links].flat()) link.close();
    expect(filters()).not.toMatch(/handle 0x7 /);
  });

  it("prints nothing for a frame that is not IPv4 (test run)", async () => {
    await using probe = await load(TcIngress);
    const lines = await printkWhile(() => {
      expect(probe.programs.tc_ingress.testRun({ data: ipv4Packet({ etherType: 0x86dd }) }).retval).toBe(0);
      expect(probe.programs.tc_ingress.testRun({ data: ipv4Packet({ payload: 10 }) }).retval).toBe(0);
    });
    // The IPv4 one is printed (from the test run's own process), the IPv6 one is not.
    expect(lines.filter((l) => l.message.startsWith("Got IP packet")).map((l) => l.message)).toEqual([`Got IP packet: tot_len: ${20 + 8 + 10}, ttl: 64`]);
  });
});
