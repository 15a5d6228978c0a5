// The event path under a storm, on the kernel: test/fixtures/event-storm.bpf.ts counts every
// attempt to write a record in the kernel (`attempts`); what the readers deliver plus what they
// report lost must equal it exactly, for ring output and reserve/submit (with and without
// NoWakeup) and perf buffers, with a fast and a slow consumer. Also: bounded memory while a slow
// consumer falls behind, records written right after attach() before any read, and for-await
// loops that end on break, return(), abort and close() while records flow and after they stop.
// Nothing here asserts a time.
import { spawn } from "node:child_process";
import { expect, it } from "vitest";
import { load } from "tsbpf";
import { onlineCpus, pollRings } from "@tsbpf/runtime";
import { describeKernel } from "./support/kernel.js";
import { EventStorm, type StormRecord } from "./fixtures/event-storm.bpf.ts";

type Rec = { pid: number; kind: number; seq: bigint; pad: bigint };
type Method = "output" | "reserve" | "perf";
const METHOD: Record<Method, number> = { output: 0, reserve: 1, perf: 2 };

/** A workload held on a pipe until released: about 2 * `count` syscalls (dd copying byte by byte). */
function gatedWorkload(count: number) {
  const child = spawn("sh", ["-c", `read go; exec dd if=/dev/zero of=/dev/null bs=1 count=${count}`], { stdio: ["pipe", "ignore", "ignore"] });
  const exited = new Promise<void>((resolve) => child.on("exit", () => resolve()));
  return { pid: child.pid!, release: () => child.stdin.end("go\n"), exited };
}

async function loadStorm(method: Method, wake: 0 | 1, pid: number) {
  const probe = await load(EventStorm, { config: { targ_pid: pid, method: METHOD[method], wake } });
  return probe;
}

/** Busy for `us` microseconds: a consumer slower than the producer. */
function spin(us: number): void {
  const end = process.hrtime.bigint() + BigInt(us * 1000);
  while (process.hrtime.bigint() < end);
}

/** Records seen by a consumer: storm records must come in order, each once. */
class Tally {
  delivered = 0;
  markers = 0;
  lastSeq = -1n;
  outOfOrder = 0;
  add(r: Rec): void {
    if (r.kind === 1) {
      this.markers++;
      return;
    }
    this.delivered++;
    if (r.seq <= this.lastSeq) this.outOfOrder++;
    this.lastSeq = r.seq;
  }
}

/**
 * Runs a storm of `count` workload iterations with the given consumer, then drains, and for perf
 * writes one marker on every CPU so that the kernel reports the losses it still holds
 * (PERF_RECORD_LOST goes out with the next record that finds room).
 */
async function storm(method: Method, wake: 0 | 1, consumer: "fast" | "slow" | "iterate", count = 20_000) {
  const workload = gatedWorkload(count);
  await using probe = await loadStorm(method, wake, workload.pid);
  const reader = method === "perf" ? probe.perf : probe.ring;
  const tally = new Tally();
  probe.programs.storm.attach();
  const stop = new AbortController();
  let reading: Promise<void> = Promise.resolve();
  if (consumer === "iterate") {
    reading = (async () => {
      for await (const r of reader.events({ signal: stop.signal, pollIntervalMs: 20 })) tally.add(r as Rec);
    })();
  } else {
    reader.onEvent((r) => {
      tally.add(r as Rec);
      if (consumer === "slow") spin(50);
    }, { signal: stop.signal, pollIntervalMs: 20 });
  }
  workload.release();
  await workload.exited;
  stop.abort();
  await reading;
  reader.consume((r) => tally.add(r as Rec));
  if (method === "perf") {
    const cpus = onlineCpus();
    for (const cpu of cpus) probe.programs.mark.testRun({ args: [BigInt(cpu)], flags: 1 /* BPF_F_TEST_RUN_ON_CPU */, cpu });
    reader.consume((r) => tally.add(r as Rec));
    expect(tally.markers).toBe(cpus.length);
  }
  const attempts = probe.object.variable("attempts") as bigint;
  const lost = method === "perf" ? probe.perf.lost : probe.ring.failedReservations!;
  return { attempts, lost, tally, failedOutputs: probe.perf.failedOutputs };
}

function expectExact(r: Awaited<ReturnType<typeof storm>>): void {
  expect(r.attempts).toBeGreaterThan(0n);
  expect(BigInt(r.tally.delivered) + r.lost).toBe(r.attempts);
  expect(r.tally.outOfOrder).toBe(0);
}

describeKernel("event accounting under a storm", () => {
  for (const method of ["output", "reserve"] as const) {
    for (const wake of [0, 1] as const) {
      const label = `ring ${method}${wake ? " with NoWakeup" : ""}`;
      it(`${label}: delivered + failedReservations = attempts, fast consumer`, async () => {
        expectExact(await storm(method, wake, "fast"));
      });
      it(`${label}: delivered + failedReservations = attempts, slow consumer (which loses records)`, async () => {
        const r = await storm(method, wake, "slow");
        expectExact(r);
        expect(r.lost).toBeGreaterThan(0n);
      });
    }
  }

  it("ring reserve: the same through for await", async () => {
    expectExact(await storm("reserve", 0, "iterate"));
  });

  it("perf: delivered + lost = attempts, and lost equals the probe's own count, fast consumer", async () => {
    const r = await storm("perf", 0, "fast");
    expectExact(r);
    expect(r.lost).toBe(r.failedOutputs);
  });

  it("perf: delivered + lost = attempts with a slow consumer (which loses records)", async () => {
    const r = await storm("perf", 0, "slow");
    expectExact(r);
    expect(r.lost).toBeGreaterThan(0n);
    expect(r.lost).toBe(r.failedOutputs);
  });

  it("perf: the same through for await", async () => {
    const r = await storm("perf", 0, "iterate");
    expectExact(r);
    expect(r.lost).toBe(r.failedOutputs);
  });

  it("memory stays bounded while a slow consumer falls behind a long storm", async () => {
    const before = process.memoryUsage().rss;
    const r = await storm("output", 0, "slow", 150_000);
    const grown = process.memoryUsage().rss - before;
    expectExact(r);
    // ~300,000 attempts, most of them dropped by the kernel: had the reader buffered them, the
    // process would hold hundreds of bytes per record.
    expect(r.lost).toBeGreaterThan(100_000n);
    expect(grown).toBeLessThan(48 * 1024 * 1024);
  });
});

describeKernel("records written right after attach(), before any read", () => {
  for (const method of ["output", "perf"] as const) {
    it(`${method === "perf" ? "perf buffer" : "ring buffer"}: every one arrives`, async () => {
      await using probe = await loadStorm(method, 0, 0);
      probe.programs.storm.attach(); // attached, but the pid filter (0) keeps it quiet
      const cpus = onlineCpus();
      // Nothing has read from the reader yet: the rings must already exist.
      for (const cpu of cpus) for (let i = 0; i < 100; i++) probe.programs.mark.testRun({ args: [BigInt(i)], flags: 1, cpu });
      const reader = method === "perf" ? probe.perf : probe.ring;
      const got: Rec[] = [];
      reader.consume((r) => got.push(r as Rec));
      expect(got.length).toBe(100 * cpus.length);
      expect(method === "perf" ? probe.perf.failedOutputs : probe.ring.failedReservations).toBe(0n);
      if (method === "perf") expect(probe.perf.lost).toBe(0n);
    });
  }
});

describeKernel("for await ends on break, return(), abort and close()", () => {
  /** A storm running in the background while the test iterates. */
  async function flowing(method: Method) {
    const workload = gatedWorkload(200_000);
    const probe = await loadStorm(method, 0, workload.pid);
    probe.programs.storm.attach();
    workload.release();
    return { probe, workload };
  }

  for (const method of ["reserve", "perf"] as const) {
    const name = method === "perf" ? "perf buffer" : "ring buffer";
    it(`${name}: break while records flow, then return() after they stop; nothing taken is lost`, async () => {
      const { probe, workload } = await flowing(method);
      try {
        const reader = method === "perf" ? probe.perf : probe.ring;
        const tally = new Tally();
        for await (const r of reader.events()) {
          tally.add(r as Rec);
          if (tally.delivered === 100) break;
        }
        expect(tally.delivered).toBe(100);
        await workload.exited;
        // Records the loop did not take stay with the reader, in order after the ones it took.
        const iterator = reader.events();
        const first = await iterator.next();
        expect(first.done).toBe(false);
        expect((first.value as Rec).seq).toBeGreaterThan(tally.lastSeq);
        reader.consume(() => undefined);
        // The producer has stopped and the ring is empty: next() waits; return() ends it.
        const waiting = iterator.next();
        await new Promise((r) => setTimeout(r, 20));
        expect(await iterator.return!()).toEqual({ done: true, value: undefined });
        expect(await waiting).toEqual({ done: true, value: undefined });
      } finally {
        probe.object.close();
      }
    });

    it(`${name}: an abort while records flow and one while waiting end the loop`, async () => {
      const { probe, workload } = await flowing(method);
      try {
        const reader = method === "perf" ? probe.perf : probe.ring;
        const flowingAbort = new AbortController();
        let n = 0;
        for await (const _ of reader.events({ signal: flowingAbort.signal })) if (++n === 50) flowingAbort.abort();
        expect(n).toBe(50);
        await workload.exited;
        reader.consume(() => undefined);
        const idle = new AbortController();
        const loop = (async () => {
          for await (const _ of reader.events({ signal: idle.signal })) n++;
        })();
        await new Promise((r) => setTimeout(r, 20));
        idle.abort();
        await loop;
        expect(n).toBe(50);
      } finally {
        probe.object.close();
      }
    });

    it(`${name}: close() ends a waiting loop`, async () => {
      const probe = await loadStorm(method, 0, 0);
      const reader = method === "perf" ? probe.perf : probe.ring;
      const loop = (async () => {
        let n = 0;
        for await (const _ of reader.events()) n++;
        return n;
      })();
      await new Promise((r) => setTimeout(r, 20));
      probe.object.close();
      expect(await loop).toBe(0);
    });
  }

  it("one poll loop over a ring and a perf buffer: records of both, and return() ends it after they stop", async () => {
    await using probe = await loadStorm("output", 0, 0);
    const iterator = pollRings<StormRecord>([probe.ring, probe.perf] as never);
    const seen = new Set<string>();
    const cpu = onlineCpus()[0]!;
    probe.programs.mark.testRun({ args: [1n], flags: 1, cpu }); // method 0: the ring
    const first = await iterator.next();
    seen.add((first.value as { map: string }).map);
    expect(seen).toEqual(new Set(["ring"]));
    const waiting = iterator.next();
    await new Promise((r) => setTimeout(r, 20));
    expect(await iterator.return!()).toEqual({ done: true, value: undefined });
    expect((await waiting).done).toBe(true);
  });
});
