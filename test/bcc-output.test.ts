// 004's "Output" (examples/bcc/output.bpf.ts), five uprobes on libc's getpid: the actor calls
// getpid() twice; each program's output for the actor's thread id is checked: two printk lines,
// two perf events, four ring buffer records (ringbuf_output and reserve/submit, twice each), and
// nothing from the ring whose records are discarded; the statuses the guide checks.
import { expect, it } from "vitest";
import { load } from "tsbpf";
import { OutputExamples } from "../examples/bcc/output.bpf.ts";
import { actorBinary, startActor, uniqueComm } from "./support/actor.js";
import { until } from "./support/child.js";
import { describeKernel } from "./support/kernel.js";
import { printkWhile } from "./support/printk.js";

describeKernel("examples/bcc/output.bpf.ts", () => {
  it("printk, perf_submit, ringbuf_output, ringbuf_reserve/submit and ringbuf_discard", async () => {
    actorBinary();
    const comm = uniqueComm("out");
    const actor = startActor(comm, "wait", "getpid", "getpid");
    await using probe = await load(OutputExamples);
    probe.attach();
    const before = process.hrtime.bigint();
    const trace = await printkWhile(async () => {
      actor.child.stdin.end("go\n");
      expect(await actor.done).toEqual([`getpid ${actor.pid}`, `getpid ${actor.pid}`]);
    });
    const after = process.hrtime.bigint();
    expect(trace.filter((l) => l.pid === actor.pid).map((l) => l.message)).toEqual(["Hello, world!", "Hello, world!"]);
    const perf: { pid: number; ts: bigint; comm: string }[] = [];
    probe.perf_events.consume((e) => void perf.push(e));
    const ring: { pid: number; ts: bigint; comm: string }[] = [];
    probe.events.consume((e) => void ring.push(e));
    const discarded: unknown[] = [];
    probe.buffer.consume((e) => void discarded.push(e));
    const mine = (events: { pid: number; ts: bigint; comm: string }[]) => events.filter((e) => e.pid === actor.pid);
    expect(mine(perf).map((e) => e.comm)).toEqual([comm, comm]);
    expect(mine(ring).map((e) => e.comm)).toEqual([comm, comm, comm, comm]);
    for (const e of [...mine(perf), ...mine(ring)]) {
      expect(e.ts).toBeGreaterThan(before);
      expect(e.ts).toBeLessThan(after);
    }
    expect(discarded).toEqual([]);
    expect(probe.buffer.failedReservations).toBe(0n);
    // bpf_trace_printk returns the length of the line it formatted; the others 0 on success.
    expect([probe.printk_status, probe.perf_status, probe.ringbuf_status]).toEqual([BigInt("Hello, world!".length), 0n, 0n]);
  });
});
