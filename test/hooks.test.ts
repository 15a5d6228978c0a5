// Cgroup, socket filter, flow dissector and iterator programs written with the DSL's decorators
// and context types (test/fixtures/hooks.bpf.ts): cgroup programs attached to a test cgroup see
// a child process's sockets, connects, packets, sysctl reads, device opens and getsockopt calls,
// and refuse what they are told to; the others run on built packets or through an iterator.
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, rmdirSync } from "node:fs";
import { afterAll, beforeAll, expect, it } from "vitest";
import { load } from "tsbpf";
import { CgroupHooks, PacketHooks } from "./fixtures/hooks.bpf.ts";
import { describeKernel } from "./support/kernel.js";
import { ipv4Packet } from "./support/packets.js";

/** Moves itself into the cgroup, then makes a UDP socket, connects over TCP, reads a sysctl, opens /dev/null, calls getsockopt. */
const child = `
const fs = require("fs"), dgram = require("dgram"), net = require("net");
fs.writeFileSync(process.argv[1] + "/cgroup.procs", String(process.pid));
const out = {};
fs.readFileSync("/proc/sys/kernel/ostype");
fs.closeSync(fs.openSync("/dev/null", "r"));
let s;
try { s = dgram.createSocket("udp4"); } catch (e) { out.udp = e.code; }
const tcp = () => {
  const c = net.connect(4242, "127.0.0.1");
  c.on("error", (e) => { out.connect = e.code; process.stdout.write(JSON.stringify(out)); process.exit(0); });
};
if (!s) tcp();
else s.on("error", (e) => { out.udp = e.code; tcp(); }).bind(0, "127.0.0.1", () => {
  out.rcvbuf = s.getRecvBufferSize() > 0;
  s.send("x", 9, "127.0.0.1", (e) => { out.udp = e ? e.code : true; s.close(); tcp(); });
});
`;

/** Where cgroup v2 is mounted (/sys/fs/cgroup, or /sys/fs/cgroup/unified in hybrid set-ups). */
function cgroupV2Root(): string {
  const mount = readFileSync("/proc/mounts", "utf8").split("\n").map((l) => l.split(" ")).find((f) => f[2] === "cgroup2");
  if (!mount) throw new Error("cgroup v2 is not mounted");
  return mount[1]!;
}

describeKernel("DSL hooks: cgroup, socket filter, flow dissector, iterator", () => {
  let cgroup: string;
  beforeAll(() => {
    cgroup = `${cgroupV2Root()}/tsbpf-dsl-${process.pid}`;
    mkdirSync(cgroup);
  });
  afterAll(() => rmdirSync(cgroup));
  const runChild = () => JSON.parse(execFileSync(process.execPath, ["-e", child, cgroup]).toString()) as Record<string, unknown>;

  it("cgroup programs see what a process in the cgroup does", async () => {
    await using hooks = await load(CgroupHooks);
    for (const program of Object.values(hooks.programs)) program.attach({ cgroup });
    const seen = runChild();
    expect(seen).toEqual({ rcvbuf: true, udp: true, connect: "ECONNREFUSED" });
    expect(hooks.sockets.get(2)).toBe(1n); // the UDP socket
    expect(hooks.sockets.get(1)).toBeGreaterThanOrEqual(1n); // the TCP one
    expect(hooks.ports.get(4242)).toBe(1n);
    expect(hooks.egress.get(17)).toBeGreaterThanOrEqual(1n); // the datagram, read from the packet
    expect(hooks.egress.get(6)).toBeGreaterThanOrEqual(1n); // the SYN
    expect(hooks.sysctls.get(0)).toBeGreaterThanOrEqual(1n);
    expect(hooks.devices.get(1)).toBeGreaterThanOrEqual(1n); // /dev/null is 1:3
    expect(hooks.options.get(8)).toBeGreaterThanOrEqual(1n); // SO_RCVBUF
  });

  it("sock_create returning 0 refuses the socket", async () => {
    await using hooks = await load(CgroupHooks, { config: { denyUdp: 1 } });
    hooks.programs.onSocket.attach({ cgroup });
    expect(runChild()).toEqual({ udp: "EPERM", connect: "ECONNREFUSED" });
  });

  it("a socket filter keeps IPv4 and drops the rest; a flow dissector runs on a packet", async () => {
    await using hooks = await load(PacketHooks);
    const udp = ipv4Packet();
    // The skb a socket filter sees starts after the Ethernet header.
    expect(hooks.programs.udpOnly.testRun({ data: udp }).retval).toBe(udp.length - 14);
    expect(hooks.programs.udpOnly.testRun({ data: ipv4Packet({ etherType: 0x86dd }) }).retval).toBe(0);
    expect(hooks.seen.get(0)).toBe(2n);
    expect(hooks.seen.get(1)).toBe(1n);
    expect(hooks.programs.dissect.testRun({ data: udp }).retval).toBe(0);
  });

  it("a task iterator runs once per task", async () => {
    await using hooks = await load(PacketHooks);
    const link = hooks.programs.eachTask.attachIter();
    link.read();
    expect(() => hooks.programs.udpOnly.attachIter()).toThrow(/needs an iterator program/);
    const threads = Number(execFileSync("sh", ["-c", "ls -d /proc/[0-9]*/task/* | wc -l"]).toString().trim());
    const tasks = Number(hooks.tasks.get(0));
    expect(tasks).toBeGreaterThan(threads / 2);
    expect(tasks).toBeLessThan(threads * 2);
  });
});
