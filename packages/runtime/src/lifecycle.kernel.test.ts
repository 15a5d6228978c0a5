// Nothing leaks: after load, attach (BPF links, perf events, a classic tc filter over netlink, a
// socket filter), ring/perf buffer mappings and close, this process's descriptors and mappings are
// as before and the kernel lists none of the programs and links it made. A child process that
// exits without closing leaves no tc filter behind (the exit hook detaches it).
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync, readlinkSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, expect, it } from "vitest";
import { loadObject } from "./load/load-object.js";
import { objectIds } from "./sys/bpf.js";
import { AF_INET, openSocket, SOCK_DGRAM } from "./sys/socket.js";
import { createTestNetwork, type TestNetwork } from "./testing/netns.js";
import { describeKernel } from "./testing/kernel.js";
import { counterObject } from "./testing/programs.js";
import { attachTc } from "./links/tc.js";
import { attachSocketFilter } from "./links/socket-filter.js";
import { attachXdp } from "./links/xdp.js";
import { openLinkCount } from "./links/link.js";
import { openFdCount } from "./sys/fd.js";
import type { RingBufReader } from "./maps/ring-buffer.js";
import type { PerfBufReader } from "./events/perf-buffer.js";
import { MapType, type ObjectSpec } from "@tsbpf/object";

/** This process's descriptors of the kinds the runtime opens (bpf objects, perf events, epoll, sockets), with what they are. */
const fds = () =>
  readdirSync("/proc/self/fd")
    .map((fd) => {
      try {
        return `${fd}=${readlinkSync(`/proc/self/fd/${fd}`)}`;
      } catch {
        return "";
      }
    })
    .filter((l) => /anon_inode:(bpf|\[perf_event\]|\[eventpoll\])|socket:/.test(l))
    .sort()
    .join(",");
const bpfMappings = () => readFileSync("/proc/self/maps", "utf8").split("\n").filter((l) => /anon_inode:(bpf|\[perf_event\])|bpf-ringbuf|perf_event/.test(l)).length;

function withBuffers(): ObjectSpec {
  const spec = counterObject("tracepoint/syscalls/sys_enter_getppid");
  spec.maps.push(
    { name: "ring", kind: "btf-map", type: MapType.RingBuf, keySize: 0, valueSize: 0, maxEntries: 4096, flags: 0, keyTypeId: 0, valueTypeId: 0 },
    { name: "perf", kind: "btf-map", type: MapType.PerfEventArray, keySize: 4, valueSize: 4, maxEntries: 0, flags: 0, keyTypeId: 0, valueTypeId: 0 },
  );
  return spec;
}

describeKernel("lifecycle on the kernel", () => {
  let net: TestNetwork;
  beforeAll(() => {
    net = createTestNetwork("life");
  });
  afterAll(() => net?.cleanup());

  it("releases every descriptor, mapping, link, program and netlink attachment on close", async () => {
    const fdsBefore = fds();
    // What the runtime counts as open: before and after (files of one vitest worker share the process).
    const linksBefore = openLinkCount();
    const runtimeFdsBefore = openFdCount();
    const mappingsBefore = bpfMappings();
    const ourLinks: number[] = [];
    const ourPrograms: number[] = [];
    {
      await using object = await loadObject(withBuffers());
      const [tp] = object.attach();
      ourLinks.push(tp!.id());
      ourPrograms.push(object.programs.get("count")!.info().id);
      await using xdpObject = await loadObject(counterObject("xdp", { returns: 2 }));
      const xdp = object.adopt(attachXdp("count", xdpObject.programs.get("count")!.fd.raw, { interface: net.receiverIf, netns: net.receiver }));
      ourLinks.push(xdp.id());
      ourPrograms.push(xdpObject.programs.get("count")!.info().id);
      await using tcObject = await loadObject(counterObject("tc"));
      tcObject.adopt(attachTc("count", tcObject.programs.get("count")!.fd.raw, { interface: net.receiverIf, direction: "egress", netns: net.receiver }));
      using sock = openSocket(AF_INET, SOCK_DGRAM, 0, "lifecycle socket");
      await using sockObject = await loadObject(counterObject("socket"));
      sockObject.adopt(attachSocketFilter("count", sockObject.programs.get("count")!.fd.raw, { socket: sock }));
      (object.map("ring") as RingBufReader).consume(() => undefined);
      (object.map("perf") as PerfBufReader).consume(() => undefined);
      expect(bpfMappings()).toBeGreaterThan(mappingsBefore);
      expect(fds()).not.toBe(fdsBefore);
      expect(objectIds("link")).toEqual(expect.arrayContaining(ourLinks));
      expect(execFileSync("tc", ["-n", net.receiver, "filter", "show", "dev", net.receiverIf, "egress"]).toString()).toContain("bpf");
    }
    expect(fds()).toBe(fdsBefore);
    expect(bpfMappings()).toBe(mappingsBefore);
    expect(openLinkCount()).toBe(linksBefore);
    expect(openFdCount()).toBe(runtimeFdsBefore);
    const links = objectIds("link");
    const programs = objectIds("prog");
    for (const id of ourLinks) expect(links).not.toContain(id);
    for (const id of ourPrograms) expect(programs).not.toContain(id);
    expect(execFileSync("tc", ["-n", net.receiver, "qdisc", "show", "dev", net.receiverIf]).toString()).not.toContain("clsact");
  });

  it("detaches what a process left attached when it exits", () => {
    const child = fileURLToPath(new URL("./testing/exit-child.ts", import.meta.url));
    const out = execFileSync(process.execPath, ["--import", "tsx", child, net.receiverIf, net.receiver], { stdio: ["ignore", "pipe", "pipe"] }).toString();
    expect(out).toContain("attached");
    expect(execFileSync("tc", ["-n", net.receiver, "qdisc", "show", "dev", net.receiverIf]).toString()).not.toContain("clsact");
  });
});
