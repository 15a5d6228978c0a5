// 004's "Events & Arguments" (examples/bcc/events.bpf.ts): the tracepoint, raw tracepoint and
// uprobe examples, each triggered by the actor (test/support/actor.c) and checked against what it
// did: the bits getrandom(2) returned, its switches in and out of the CPU by tgid, the strings it
// passed to libc's strlen, the URLs it gave its USDT probe (node's http__server__request, written
// out in actor.c).
import { expect, it } from "vitest";
import { load } from "tsbpf";
import { STT_GNU_IFUNC, UserElf } from "@tsbpf/runtime";
import { HttpRequests, RandomRead, StrlenCount, SwitchTgids } from "../examples/bcc/events.bpf.ts";
import { act, actorBinary, startActor, uniqueComm } from "./support/actor.js";
import { until } from "./support/child.js";
import { describeKernel } from "./support/kernel.js";
import { printkWhile } from "./support/printk.js";

describeKernel("examples/bcc/events.bpf.ts", () => {
  it("TRACEPOINT_PROBE: prints the bits each getrandom(2) returned", async () => {
    actorBinary();
    // glibc's first malloc (the actor's stdout buffer) calls getrandom too: attach after it.
    const actor = startActor(uniqueComm("rand"), "getpid", "wait", "getrandom", "16", "getrandom", "100");
    await until(() => actor.output().includes("getpid"), 5000, "the actor to start");
    await using probe = await load(RandomRead);
    probe.attach();
    const trace = await printkWhile(async () => {
      actor.child.stdin.end("go\n");
      expect((await actor.done).slice(1)).toEqual(["getrandom 16", "getrandom 100"]);
    });
    expect(trace.filter((l) => l.pid === actor.pid).map((l) => l.message)).toEqual(["128", "800"]);
  });

  it("RAW_TRACEPOINT_PROBE(sched_switch): prints 'prev -> next' tgids, the sleeping actor on both sides", async () => {
    await using probe = await load(SwitchTgids);
    probe.attach();
    let pid = 0;
    const trace = await printkWhile(async () => {
      ({ pid } = await act(uniqueComm("switch"), "nanosleep", "1000000", "nanosleep", "1000000", "nanosleep", "1000000"));
    }, 100);
    const lines = trace.map((l) => l.message);
    // Each sleep switches the actor out (printed by the actor itself) and back in (by whoever ran).
    const out = trace.filter((l) => l.message.startsWith(`${pid} -> `));
    expect(out.length).toBeGreaterThanOrEqual(3);
    for (const l of out) expect(l.pid).toBe(pid);
    expect(lines.filter((m) => m.endsWith(` -> ${pid}`)).length).toBeGreaterThanOrEqual(3);
  });

  it("uprobe on libc's strlen: counts each string by its bytes (the IFUNC resolved to its implementation, as bcc does)", async () => {
    actorBinary();
    const marker = `tsbpf-${uniqueComm("s")}`;
    const actor = startActor(uniqueComm("strlen"), "strlen-offset", "wait", "strlen", marker, "strlen", marker, "strlen", marker);
    await until(() => actor.output().includes("\n"), 5000, "the actor's strlen offset");
    // The implementation the actor's dynamic loader picked (dlsym + dladdr in the actor): where the
    // runtime must attach `@uprobe("c", "strlen")`, read from libc's IRELATIVE slot in a process.
    const [, library, offset] = actor.output().trim().split(" ");
    const libc = UserElf.open(library!);
    expect(libc.functionNamed("strlen")?.type).toBe(STT_GNU_IFUNC);
    expect(libc.symbolOffset("strlen", actor.pid)).toBe(BigInt(offset!));
    // Without a pid, from this process's own copy of libc: the same choice on the same CPU.
    expect(libc.symbolOffset("strlen")).toBe(BigInt(offset!));
    await using probe = await load(StrlenCount);
    probe.programs.count.attach({ pid: actor.pid });
    actor.child.stdin.end("go\n");
    expect((await actor.done).slice(1)).toEqual([`strlen ${marker.length}`, `strlen ${marker.length}`, `strlen ${marker.length}`]);
    expect(probe.counts.get({ c: marker })).toBe(3n);
  });

  it("USDT: prints the URL, the sixth argument of node:http__server__request, for the traced pid", async () => {
    const url = `/tsbpf/${uniqueComm("u")}`;
    const actor = startActor(uniqueComm("usdt"), "getpid", "wait", "http-request", url, "http-request", `${url}/2`);
    await until(() => actor.output().includes("getpid"), 5000, "the actor to start");
    await using probe = await load(HttpRequests);
    probe.programs.do_trace.attach({ binary: actorBinary(), provider: "node", name: "http__server__request", pid: actor.pid });
    const trace = await printkWhile(async () => {
      actor.child.stdin.end("go\n");
      expect((await actor.done).slice(1)).toEqual([`http-request ${url}`, `http-request ${url}/2`]);
    });
    expect(trace.filter((l) => l.pid === actor.pid).map((l) => l.message)).toEqual([`path:${url}`, `path:${url}/2`]);
  });
});
