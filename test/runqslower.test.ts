// 002's runqslower (examples/eunomia/runqslower.bpf.ts), tp_btf and raw_tp: the actor sleeps 20
// times (each nanosleep a wake-up by the timer, then a switch back in), with the probe filtered to
// its process; the perf events name the actor's pid and comm as the task switched in, with a
// plausible wait. With `min_us` far above any wait, nothing comes.
import { expect, it } from "vitest";
import { load } from "tsbpf";
import { RunqSlower, RunqSlowerRaw } from "../examples/eunomia/runqslower.bpf.ts";
import { actorBinary, startActor, uniqueComm } from "./support/actor.js";
import { describeKernel } from "./support/kernel.js";

interface RunqEvent { task: string; prev_task: string; delta_us: bigint; pid: number; prev_pid: number }

/** Runs an actor that waits for a line, then sleeps 20 × 1 ms; returns its pid, comm and the events. */
async function sleeperEvents(probeClass: typeof RunqSlower | typeof RunqSlowerRaw, minUs: bigint): Promise<{ pid: number; comm: string; events: RunqEvent[] }> {
  actorBinary();
  const comm = uniqueComm("runq");
  const actor = startActor(comm, "wait", ...Array.from({ length: 20 }, () => ["nanosleep", "1000000"]).flat());
  // The two classes have the same maps and config, different programs: one handle type serves.
  await using probe = await load(probeClass as typeof RunqSlower, { config: { targ_tgid: actor.pid, min_us: minUs } });
  probe.attach();
  actor.child.stdin.end("go\n");
  const lines = await actor.done;
  expect(lines.filter((l) => l === "nanosleep 0").length).toBe(20);
  await new Promise((resolve) => setTimeout(resolve, 100));
  const events: RunqEvent[] = [];
  probe.events.consume((event) => void events.push(event));
  return { pid: actor.pid, comm, events };
}

describeKernel("examples/eunomia/runqslower.bpf.ts", () => {
  for (const probeClass of [RunqSlower, RunqSlowerRaw]) {
    it(`${probeClass.name}: the sleeper's switches back in, with its pid and comm`, async () => {
      const { pid, comm, events } = await sleeperEvents(probeClass, 0n);
      // Filtered to the actor's process (a single thread): every event is the actor switched in.
      expect(events.length).toBeGreaterThanOrEqual(10);
      for (const event of events) {
        expect(event).toMatchObject({ pid });
        // The comm when switched in: its name after prctl, or "actor" before it.
        expect([comm, "actor"]).toContain(event.task);
        expect(event.prev_pid).not.toBe(pid);
        // A wait in the run queue, not a sleep: well under the test's run time.
        expect(event.delta_us).toBeLessThan(10_000_000n);
      }
      expect(events.filter((e) => e.task === comm).length).toBeGreaterThanOrEqual(10);
    });

    it(`${probeClass.name}: min_us above every wait sends nothing`, async () => {
      const { events } = await sleeperEvents(probeClass, 60_000_000n);
      expect(events).toEqual([]);
    });
  }
});
