// 004's "Maps" (examples/bcc/maps.bpf.ts): the actor calls getpid() once (then waits, alive, so
// that its user stack can be symbolized); the uprobe's map operations are checked in every map
// and global they leave, against what the guide says each does; the tail call prints both
// programs' lines once prog_array[2] holds the target, and only the first one before; XDP's
// redirect_map test-runs to XDP_REDIRECT once devmap[0] holds a device (lo), to the flags'
// action before.
import { expect, it } from "vitest";
import { load } from "tsbpf";
import { MapsExamples } from "../examples/bcc/maps.bpf.ts";
import { actorBinary, startActor, uniqueComm } from "./support/actor.js";
import { until } from "./support/child.js";
import { describeKernel } from "./support/kernel.js";
import { ipv4Packet } from "./support/packets.js";
import { printkWhile } from "./support/printk.js";

const EEXIST = 17;
const sum = (values: bigint[] | undefined) => (values ?? []).reduce((a, b) => a + b, 0n);

describeKernel("examples/bcc/maps.bpf.ts", () => {
  it("every map operation of the guide, once, for the actor's getpid()", async () => {
    actorBinary();
    const actor = startActor(uniqueComm("maps"), "getpid", "wait", "getpid", "wait");
    await until(() => actor.output().includes("getpid"), 5000, "the actor to start");
    await using probe = await load(MapsExamples, { config: { target_tgid: actor.pid } });
    probe.programs.operations.attach();
    probe.lpm.set({ prefixLen: 8, data: "10.0.0.0" }, 1n);
    probe.lpm.set({ prefixLen: 16, data: "10.1.0.0" }, 2n);
    probe.maps_array.set(0, probe.ex1);
    probe.maps_hash.set({ id: 1 }, probe.ex3);
    actor.child.stdin.write("go\n");
    await until(() => actor.output().split("\n").filter(Boolean).length >= 2, 5000, "the actor's getpid");
    const tid = actor.pid;
    expect(probe.table.get(tid)).toBe(11n);
    expect(probe.map.get(BigInt(tid))).toBe(7n); // the first insert; the second found the key
    expect(probe.insert_status).toBe(BigInt(-EEXIST));
    expect(probe.map.get(99n)).toBeUndefined();
    expect(probe.counts.get(3)).toBe(1n);
    expect(probe.dists.get(7)).toBe(1n);
    expect(sum(probe.percpu_hash.get(BigInt(tid)))).toBe(1n);
    expect(sum(probe.percpu_array.get(0))).toBe(1n);
    expect(probe.lpm_value).toBe(2n);
    expect([probe.popped_from_stack, probe.peeked_in_stack, probe.popped_from_queue, probe.peeked_in_queue]).toEqual([2, 1, 1, 2]);
    expect(probe.ex1.get(tid)).toBe(42);
    expect(probe.ex3.get(5)).toBe(43);
    // The user stack starts in libc's getpid (the uprobe fires at its first instruction).
    expect(probe.stack_id).toBeGreaterThanOrEqual(0n);
    const frames = await probe.stack_traces.symbolize(Number(probe.stack_id), { pid: actor.pid });
    expect(frames?.[0]?.symbol).toMatch(/getpid/);
    actor.child.stdin.end("go\n");
    await actor.done;
  });

  it("call: the tail call runs prog_array[2] instead of the rest, once it is set", async () => {
    actorBinary();
    const comm = uniqueComm("tail");
    const actor = startActor(comm, "getpid", "wait", "getpid", "wait", "getpid");
    await until(() => actor.output().includes("getpid"), 5000, "the actor to start");
    await using probe = await load(MapsExamples, { config: { target_tgid: actor.pid } });
    probe.programs.do_tail_call.attach();
    const lines = await printkWhile(async () => {
      actor.child.stdin.write("go\n");
      await until(() => actor.output().split("\n").filter(Boolean).length >= 2, 5000, "the first getpid");
      probe.prog_array.set(2, probe.programs.tail_call);
      actor.child.stdin.end("go\n");
      await actor.done;
    });
    expect(lines.filter((l) => l.pid === actor.pid).map((l) => l.message)).toEqual(["Original program", "Original program", "Tail-call"]);
  });

  it("redirect_map: XDP_REDIRECT to devmap[0] once it holds a device, else the flags' action", async () => {
    await using probe = await load(MapsExamples);
    const run = () => probe.programs.redirect_example.testRun({ data: ipv4Packet() }).retval;
    expect(run()).toBe(0); // XDP_ABORTED: flags 0 and no device
    probe.devmap.set(0, { interface: "lo" }); // devmap[c_uint32(0)] = c_int(idx)
    expect(run()).toBe(4); // XDP_REDIRECT
    expect(probe.programs.xdp_dummy.testRun({ data: ipv4Packet() }).retval).toBe(2); // XDP_PASS
  });
});
