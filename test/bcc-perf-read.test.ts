// 004's BPF_PERF_ARRAY + perf_read (examples/bcc/perf-read.bpf.ts): user space opens a counter on
// every CPU into the map; the actor calls getpid() three times and the uprobe reads its CPU's
// counter with bpf_perf_event_read and bpf_perf_event_read_value. Checked against what the test
// measured and read itself: non-zero, increasing call to call on each CPU, never ahead of the
// same counter read from user space afterwards (read(2) of its descriptor), enabled time within
// the time the test held it open; closing the counters empties the slots (-ENOENT). Software
// counters (this machine has no PMU); a hardware one is refused with the reason, or read where the
// machine has one.
import { afterAll, beforeAll, expect, it } from "vitest";
import { load, NotSupportedError, type LoadedProbe } from "tsbpf";
import { PerfRead } from "../examples/bcc/perf-read.bpf.ts";
import { actorBinary, startActor, uniqueComm } from "./support/actor.js";
import { describeKernel } from "./support/kernel.js";

const ENOENT = -2n;
const CALLS = 3;

type Loaded = LoadedProbe<PerfRead>;

/** A fresh actor's `calls` getpid() calls, recorded by the probe; returns the new readings. */
async function callGetpid(probe: Loaded, calls: number) {
  const actor = startActor(uniqueComm("perf"), "wait", ...new Array(calls).fill("getpid"));
  probe.targetTgid = actor.pid;
  const from = probe.calls;
  actor.child.stdin.end("go\n");
  await actor.done;
  const readings = [];
  for (let i = from; i < probe.calls; i++) readings.push(probe.readings.get(i)!);
  return readings;
}

describeKernel("examples/bcc/perf-read.bpf.ts", () => {
  // One probe for the tests (loading and attaching a uprobe takes seconds on a loaded machine);
  // each opens its own counters.
  let probe: Loaded;
  beforeAll(async () => {
    actorBinary();
    probe = await load(PerfRead);
    probe.targetTgid = 0xffffffff; // no process, until an actor's pid is set (0 would be every process)
    probe.attach();
  }, 120_000);
  afterAll(async () => probe?.[Symbol.asyncDispose]());

  /** Opens `event`'s counters, runs the getpid() calls; returns the readings and times. */
  async function readWith(event: Parameters<Loaded["cpu_cycles"]["open"]>[0]) {
    const opened = process.hrtime.bigint();
    const counters = probe.cpu_cycles.open(event);
    const readings = await callGetpid(probe, CALLS);
    const done = process.hrtime.bigint();
    return { counters, readings, opened, done };
  }

  // Loading and attaching the uprobe and running the actor take seconds on a loaded machine.
  it("perf_read and perf_event_read_value of a cpu-clock counter on each CPU", { timeout: 60_000 }, async () => {
    const { counters, readings, opened, done } = await readWith("cpu-clock");
    using _ = counters;
    expect(counters.cpus.length).toBeGreaterThan(0);
    expect(readings.length).toBe(CALLS);
    const last = new Map<number, bigint>();
    for (const r of readings) {
      expect(counters.cpus).toContain(r.cpu);
      expect(r.status).toBe(0n);
      expect(r.res).toBeGreaterThan(0n);
      expect(r.res).toBeLessThan(1n << 62n); // a count, not a negative error
      // read_value came after perf_read on the same CPU (a program is not migrated).
      expect(r.value.counter).toBeGreaterThanOrEqual(r.res);
      // A software counter is never multiplexed: it ran whenever it was enabled, and was enabled
      // only while the test held it open.
      expect(r.value.running).toBe(r.value.enabled);
      expect(r.value.enabled).toBeGreaterThan(0n);
      expect(r.value.enabled).toBeLessThanOrEqual(done - opened);
      // cpu-clock counts the CPU's nanoseconds since it was enabled.
      expect(r.value.counter).toBeLessThanOrEqual(done - opened);
      const before = last.get(r.cpu);
      if (before !== undefined) expect(r.res).toBeGreaterThan(before);
      last.set(r.cpu, r.value.counter);
    }
    // User space reads the same counters later: never behind what the program read.
    for (const [cpu, counter] of last) {
      const now = counters.read(cpu);
      expect(now.counter).toBeGreaterThan(counter);
      expect(now.enabled).toBeGreaterThan(readings.filter((r) => r.cpu === cpu).at(-1)!.value.enabled);
    }
  });

  it("any perf_event_attr type and config (context switches); closing the counters empties the slots: the program reads -ENOENT", { timeout: 60_000 }, async () => {
    const { counters, readings } = await readWith({ type: 1, config: 3 }); // PERF_TYPE_SOFTWARE, PERF_COUNT_SW_CONTEXT_SWITCHES
    expect(readings.length).toBe(CALLS);
    for (const r of readings) {
      expect(r.status).toBe(0n);
      expect(r.res).toBeLessThanOrEqual(r.value.counter);
      expect(r.value.counter).toBeLessThanOrEqual(counters.read(r.cpu).counter);
    }
    counters.close();
    counters.close(); // idempotent
    expect(() => counters.read(readings[0]!.cpu)).toThrow(/no .* counter on CPU/);
    const [after] = await callGetpid(probe, 1);
    expect(after!.status).toBe(ENOENT);
    expect(after!.res).toBe(BigInt.asUintN(64, ENOENT)); // perf_read's error, as a u64
    expect(after!.value).toEqual({ counter: 0n, enabled: 0n, running: 0n });
  });

  it("counters still open close with the probe", async () => {
    const other = await load(PerfRead);
    const counters = other.cpu_cycles.open("task-clock");
    expect(counters.cpus.length).toBeGreaterThan(0);
    await other[Symbol.asyncDispose]();
    expect(counters.cpus).toEqual([]);
  });

  it("a hardware counter where the machine has a PMU; otherwise refused, naming the cause", { timeout: 60_000 }, async () => {
    let result;
    try {
      result = await readWith("cpu-cycles");
    } catch (error) {
      expect(error).toBeInstanceOf(NotSupportedError);
      expect(String(error)).toMatch(/no hardware PMU/);
      console.log(`no hardware counter here: ${(error as Error).message}`);
      return;
    }
    using _ = result.counters;
    expect(result.readings.length).toBe(CALLS);
    for (const r of result.readings) {
      expect(r.status).toBe(0n);
      expect(r.value.counter).toBeGreaterThan(0n);
      expect(r.value.running).toBeLessThanOrEqual(r.value.enabled);
    }
  });
});
