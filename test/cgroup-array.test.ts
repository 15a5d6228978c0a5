// CgroupArray (BPF_MAP_TYPE_CGROUP_ARRAY) against cgroups the test creates: a parent cgroup at
// index 0 with a child cgroup under it. Processes the test starts in the child (the actor, making
// exactly the getpid calls it is told to; a Node sender of UDP datagrams in a test namespace) are
// "under" it, the same work started outside is not; the probe's counts must be exactly what each
// process did. Needs Linux 4.9 (bpf_current_task_under_cgroup), tcx (6.6) for the egress program.
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, rmdirSync } from "node:fs";
import { afterAll, beforeAll, expect, expectTypeOf, it } from "vitest";
import { load, type CgroupArrayHandle } from "tsbpf";
import { cgroupV2Root } from "../packages/runtime/src/sys/cgroup.ts";
import { createTestNetwork, type TestNetwork } from "../packages/runtime/src/testing/netns.ts";
import { CgroupFilter } from "./fixtures/cgroup-array.bpf.ts";
import { actorBinary, uniqueComm } from "./support/actor.js";
import { describeKernel } from "./support/kernel.js";

const EAGAIN = 11n;

describeKernel("CgroupArray: currentTaskUnderCgroup and skbUnderCgroup", () => {
  let parent: string;
  let leaf: string;
  let net: TestNetwork;
  beforeAll(() => {
    parent = `${cgroupV2Root()}/tsbpf-cgarray-${process.pid}`;
    leaf = `${parent}/leaf`;
    mkdirSync(parent);
    mkdirSync(leaf);
    net = createTestNetwork("cgarray");
  });
  afterAll(() => {
    net?.cleanup();
    for (const dir of [leaf, parent]) {
      try {
        rmdirSync(dir);
      } catch {
        // still has a process (a failed test's child): left for the next boot
      }
    }
  });

  /** Runs the actor with `calls` getpid commands, first moved into `cgroup` when given; its pid. */
  function getpids(calls: number, cgroup?: string): number {
    const commands = Array.from({ length: calls }, (_, i) => (i === 0 ? ["getpid"] : ["--", "getpid"])).flat();
    // The shell reads its pid (getpid) before it moves: only the actor's calls come after.
    const out = cgroup
      ? execFileSync("sh", ["-c", 'echo $$ > "$1/cgroup.procs" && shift && exec "$@"', "sh", cgroup, actorBinary(), uniqueComm("cga"), ...commands]).toString()
      : execFileSync(actorBinary(), [uniqueComm("cga"), ...commands]).toString();
    const lines = out.trim().split("\n");
    expect(lines).toHaveLength(calls);
    return Number(lines[0]!.split(" ")[1]);
  }

  it("counts the getpid calls of tasks under the cgroup, and only theirs", async () => {
    await using probe = await load(CgroupFilter);
    expectTypeOf(probe.cgroups).toEqualTypeOf<CgroupArrayHandle>();
    probe.cgroups.set(0, parent); // the parent: the actor runs in its child cgroup, a descendant
    probe.attach();
    const inLeaf = getpids(5, leaf);
    const outside = getpids(3);
    // The cgroup is the test's own: no process but the actor ever ran in it.
    expect(readFileSync(`${leaf}/cgroup.procs`, "utf8")).toBe("");
    const keys: number[] = [];
    for await (const key of probe.inside.keys()) keys.push(key);
    expect(keys).toEqual([inLeaf]);
    expect(probe.inside.get(inLeaf)).toBe(5n);
    expect(probe.outside.get(outside)).toBe(3n);
    expect(probe.emptySlot).toBe(-EAGAIN); // index 1 was never set
  }, 120_000); // the first load compiles the probe

  it("a cgroup set by path relative to the root, then removed from the array, stops matching", async () => {
    await using probe = await load(CgroupFilter);
    probe.cgroups.set(0, `tsbpf-cgarray-${process.pid}/leaf`);
    probe.attach();
    const first = getpids(2, leaf);
    expect(probe.inside.get(first)).toBe(2n);
    expect(probe.cgroups.delete(0)).toBe(true);
    const second = getpids(2, leaf);
    expect(probe.inside.get(second)).toBeUndefined();
    expect(probe.outside.get(second)).toBeUndefined(); // an empty slot answers -EAGAIN: neither
    expect(probe.emptySlot).toBe(-EAGAIN);
  });

  it("tells datagrams sent from sockets under the cgroup from the others (tc egress)", async () => {
    await using probe = await load(CgroupFilter);
    probe.cgroups.set(0, parent);
    probe.programs.onEgress.attach({ interface: net.senderIf, netns: net.sender });
    const script = 'const s=require("dgram").createSocket("udp4");let n=0;const go=()=>{if(n++>=4)return s.close();s.send("x",7001,"10.201.0.2",go)};go();';
    // Into the cgroup first: `ip netns exec` mounts its own /sys, hiding the cgroup hierarchy.
    execFileSync("sh", ["-c", 'echo $$ > "$1/cgroup.procs" && shift && exec "$@"', "sh", leaf, "ip", "netns", "exec", net.sender, process.execPath, "-e", script]);
    net.sendUdp(6, 7002);
    expect(probe.udpInside.get(7001)).toBe(4n);
    expect(probe.udpInside.get(7002)).toBeUndefined();
    expect(probe.udpOutside.get(7002)).toBe(6n);
    expect(probe.udpOutside.get(7001)).toBeUndefined();
  });
});
