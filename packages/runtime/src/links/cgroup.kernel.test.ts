// cgroup hooks on a test cgroup under the cgroup v2 root: a child process moves itself into the
// cgroup and then sends a datagram, connects, reads a sysctl, calls getsockopt and opens
// /dev/null; each hook's counter sees it, and sock_create returning 0 refuses the socket.
import { execFileSync } from "node:child_process";
import { mkdirSync, rmdirSync } from "node:fs";
import { afterAll, beforeAll, expect, it } from "vitest";
import { loadObject } from "../load/load-object.js";
import { programKind } from "../load/sections.js";
import { cgroupV2Root } from "../sys/cgroup.js";
import { describeKernel } from "../testing/kernel.js";
import { counterObject } from "../testing/programs.js";
import { attachCgroup } from "./cgroup.js";

const child = `
const fs = require("fs"), dgram = require("dgram"), net = require("net");
fs.writeFileSync(process.argv[1] + "/cgroup.procs", String(process.pid));
const out = {};
try { fs.readFileSync("/proc/sys/kernel/ostype"); out.sysctl = true; } catch (e) { out.sysctl = e.code; }
try { fs.closeSync(fs.openSync("/dev/null", "r")); out.dev = true; } catch (e) { out.dev = e.code; }
const s = dgram.createSocket("udp4");
s.on("error", (e) => { out.udp = e.code; done(); });
s.send("x", 9, "127.0.0.1", (e) => { out.udp = e ? e.code : true; bound(); });
function bound() {
  s.setRecvBufferSize(65536);
  const b = dgram.createSocket("udp4");
  b.bind(0, "127.0.0.1", () => { b.close(); s.close(); tcp(); });
}
function tcp() {
  const c = net.connect(1, "127.0.0.1");
  c.on("error", (e) => { out.connect = e.code; done(); });
}
function done() { process.stdout.write(JSON.stringify(out)); process.exit(0); }
`;

describeKernel("cgroup hooks on the kernel", () => {
  let cgroup: string;
  beforeAll(() => {
    cgroup = `${cgroupV2Root()}/tsbpf-attach-${process.pid}`;
    mkdirSync(cgroup);
  });
  afterAll(() => rmdirSync(cgroup));

  const runChild = () => JSON.parse(execFileSync(process.execPath, ["-e", child, cgroup]).toString()) as Record<string, unknown>;

  it("runs skb, sock_addr, sysctl, sockopt and device programs for processes in the cgroup", async () => {
    const sections = ["cgroup_skb/egress", "cgroup_skb/ingress", "cgroup/sock_create", "cgroup/connect4", "cgroup/bind4", "cgroup/sysctl", "cgroup/setsockopt", "cgroup/dev"];
    const objects = await Promise.all(sections.map((s) => loadObject(counterObject(s, { returns: 1 }))));
    try {
      const links = objects.map((o, i) => attachCgroup("count", o.programs.get("count")!.fd.raw, programKind(sections[i]!).expectedAttachType!, sections[i]!, { cgroup }));
      const seen = runChild();
      expect(seen).toEqual({ sysctl: true, dev: true, udp: true, connect: "ECONNREFUSED" });
      objects.forEach((o, i) => expect([sections[i], o.variable("hits")]).not.toEqual([sections[i], 0n]));
      for (const l of links) l.close();
      const before = objects.map((o) => o.variable("hits"));
      runChild();
      expect(objects.map((o) => o.variable("hits"))).toEqual(before); // detached: nothing counts
    } finally {
      for (const o of objects) o.close();
    }
  });

  it("refuses what a program returning 0 denies", async () => {
    await using sock = await loadObject(counterObject("cgroup/sock_create", { returns: 0 }));
    await using dev = await loadObject(counterObject("cgroup/dev", { returns: 0 }));
    using a = attachCgroup("count", sock.programs.get("count")!.fd.raw, programKind("cgroup/sock_create").expectedAttachType!, "cgroup/sock_create", { cgroup });
    using b = attachCgroup("count", dev.programs.get("count")!.fd.raw, programKind("cgroup/dev").expectedAttachType!, "cgroup/dev", { cgroup });
    const seen = runChild();
    expect(seen.dev).toBe("EPERM");
    expect(seen.udp).toBe("EPERM");
    expect(a.target).toContain("sock_create");
    expect(b.info().type).toBe(3); // BPF_LINK_TYPE_CGROUP
  });
});
