// The aggregations (CountMap, SumMap, MinMap, MaxMap, AvgMap, StatsMap, Log2Histogram,
// LinearHistogram) computed in the kernel over writes the test causes (test/support/writer.c makes
// exactly the writes of its plan) and read through their handles: each result against the same
// aggregation computed here from the plan.
import { expect, expectTypeOf, it } from "vitest";
import { load, type Histogram, type Stats } from "tsbpf";
import { WriteAggregations } from "./fixtures/aggregations.bpf.ts";
import { WritesByStack } from "./fixtures/aggregations-stack.bpf.ts";
import { SignedAggregations } from "./fixtures/aggregations-signed.bpf.ts";
import { describeKernel } from "./support/kernel.js";
import { plan } from "./support/aggregation-plan.js";
import { startWriter, type Writes } from "./support/writer.js";
import { printMaps } from "../packages/tsbpf/src/cli/print-maps.ts";
import { StackNames } from "../packages/tsbpf/src/cli/stacks.ts";


/** Every write of the plan, one value each. */
const writes = plan.flatMap((w) => Array.from({ length: w.times }, () => w));
const by = <K>(key: (w: Writes) => K) => {
  const groups = new Map<K, number[]>();
  for (const w of writes) groups.set(key(w), [...(groups.get(key(w)) ?? []), w.size]);
  return groups;
};
const big = (n: number) => BigInt(n);
const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);

/** The non-empty span of a histogram's buckets, from the values: `slot` gives a value's bucket index, `bounds` its range. */
function histogram(values: number[], slot: (v: number) => number, bounds: (s: number) => [bigint | undefined, bigint | undefined]) {
  const counts = new Map<number, number>();
  for (const v of values) counts.set(slot(v), (counts.get(slot(v)) ?? 0) + 1);
  const slots = [...counts.keys()];
  const buckets = [];
  for (let s = Math.min(...slots); s <= Math.max(...slots); s++) {
    const [min, max] = bounds(s);
    buckets.push({ min, max, count: big(counts.get(s) ?? 0) });
  }
  return buckets;
}
const log2Slot = (v: number) => (v === 0 ? 0 : v.toString(2).length);
const log2Bounds = (s: number): [bigint, bigint] => (s === 0 ? [0n, 0n] : [1n << big(s - 1), (1n << big(s)) - 1n]);
const linearSlot = (min: number, max: number, step: number) => (v: number) => (v < min ? 0 : v >= max ? (max - min) / step + 1 : Math.floor((v - min) / step) + 1);
const linearBounds = (min: number, max: number, step: number) => (s: number): [bigint | undefined, bigint | undefined] =>
  s === 0 ? [undefined, big(min - 1)] : s === (max - min) / step + 1 ? [big(max), undefined] : [big(min + (s - 1) * step), big(min + s * step - 1)];

describeKernel("aggregations (test/fixtures/aggregations.bpf.ts)", () => {
  it("computes count, sum, min, max, avg, stats and both histograms per key, merged over CPUs", async () => {
    const writer = startWriter(plan);
    try {
      await using probe = await load(WriteAggregations, { config: { targetPid: writer.pid } });
      probe.attach();
      await writer.run();

      expectTypeOf(probe.calls.entries).returns.resolves.toEqualTypeOf<[string, bigint][]>();
      expectTypeOf(probe.stats.get).returns.resolves.toEqualTypeOf<Stats | undefined>();
      expectTypeOf(probe.sizes.get).returns.resolves.toEqualTypeOf<Histogram | undefined>();

      // count, keyed by a CharArray, in ascending order of the counts.
      const byComm = [...by((w) => w.comm)].map(([comm, sizes]) => [comm, big(sizes.length)] as [string, bigint]).sort((a, b) => Number(a[1] - b[1]));
      expect(await probe.calls.entries()).toEqual(byComm);
      expect(await probe.writes.get()).toBe(big(writes.length));
      expect(await probe.writes.entries()).toEqual([[undefined, big(writes.length)]]);

      // sum by an integer and by a struct key.
      const byFd = by((w) => w.fd);
      const sums = [...byFd].map(([fd, sizes]) => [fd, big(sum(sizes))] as [number, bigint]).sort((a, b) => Number(a[1] - b[1]));
      expect(await probe.bytes.entries()).toEqual(sums);
      for (const [key, sizes] of by((w) => `${w.comm}/${w.fd}`)) {
        const [comm, fd] = key.split("/");
        expect(await probe.bytesByCommFd.get({ comm: comm!, fd: Number(fd) })).toBe(big(sum(sizes)));
      }
      expect((await probe.bytesByCommFd.entries()).length).toBe(by((w) => `${w.comm}/${w.fd}`).size);

      // min without a key, max by fd.
      expect(await probe.smallest.get()).toBe(big(Math.min(...writes.map((w) => w.size))));
      for (const [fd, sizes] of byFd) expect(await probe.largest.get(fd)).toBe(big(Math.max(...sizes)));

      // avg and stats: integer averages, ascending.
      for (const [fd, sizes] of byFd) {
        const avg = big(Math.floor(sum(sizes) / sizes.length));
        expect(await probe.mean.get(fd)).toBe(avg);
        expect(await probe.stats.get(fd)).toEqual({ count: big(sizes.length), sum: big(sum(sizes)), avg });
      }
      const averages = (await probe.stats.entries()).map(([, s]) => s.avg);
      expect(averages).toEqual([...averages].sort((a, b) => Number(a - b)));

      // log2 histograms: buckets with bounds, zeros between the first and the last non-empty one.
      const sizes = writes.map((w) => w.size);
      expect(await probe.sizes.get()).toEqual({ kind: "hist", buckets: histogram(sizes, log2Slot, log2Bounds), total: big(sizes.length) });
      const keyed = await probe.sizesByFd.entries();
      expect(keyed.map(([fd]) => fd).sort()).toEqual([...byFd.keys()].sort());
      for (const [fd, h] of keyed) {
        expect(h.buckets).toEqual(histogram(byFd.get(fd)!, log2Slot, log2Bounds));
        expect(h.total).toBe(big(byFd.get(fd)!.length));
      }
      // ...one per key, in ascending order of their totals.
      expect(keyed.map(([, h]) => h.total)).toEqual(keyed.map(([, h]) => h.total).sort((a, b) => Number(a - b)));

      // linear histograms, with the values past max in [max, ...) and below min in (..., min).
      expect(await probe.linear.get()).toEqual({ kind: "lhist", step: 100n, total: big(sizes.length),
        buckets: histogram(sizes, linearSlot(0, 1000, 100), linearBounds(0, 1000, 100)) });
      for (const [comm, values] of by((w) => w.comm)) {
        const h = await probe.linearByComm.get(comm);
        expect(h?.buckets).toEqual(histogram(values, linearSlot(1024, 8192, 1024), linearBounds(1024, 8192, 1024)));
      }

      // clear() forgets: keyed maps lose their keys, the others go back to nothing recorded.
      probe.calls.clear();
      probe.sizes.clear();
      probe.writes.clear();
      expect(await probe.calls.entries()).toEqual([]);
      expect(await probe.sizes.get()).toBeUndefined();
      expect(await probe.writes.get()).toBeUndefined();
    } finally {
      writer.kill();
    }
  }, 120_000);

  it("aggregates signed values (i64): negative sums, minimums, averages and the (..., 0) bucket", async () => {
    const writer = startWriter(plan);
    try {
      await using probe = await load(SignedAggregations, { config: { targetPid: writer.pid } });
      probe.attach();
      await writer.run();
      const deltas = writes.map((w) => w.size - 1000);
      const byFd = new Map<number, number[]>();
      for (const w of writes) byFd.set(w.fd, [...(byFd.get(w.fd) ?? []), w.size - 1000]);
      expect(deltas.some((d) => d < 0) && [...byFd.values()].some((d) => sum(d) < 0)).toBe(true);
      // sums, ascending (negative first), as bpftrace sorts them.
      const sums = [...byFd].map(([fd, d]) => [fd, big(sum(d))] as [number, bigint]).sort((a, b) => Number(a[1] - b[1]));
      expect(await probe.delta.entries()).toEqual(sums);
      expect(await probe.lowest.get()).toBe(big(Math.min(...deltas)));
      for (const [fd, d] of byFd) {
        expect(await probe.highest.get(fd)).toBe(big(Math.max(...d)));
        // Integer division truncates toward zero, as bpftrace's avg() of signed values does.
        const avg = big(Math.trunc(sum(d) / d.length));
        expect(await probe.mean.get(fd)).toBe(avg);
        expect(await probe.stats.get(fd)).toEqual({ count: big(d.length), sum: big(sum(d)), avg });
      }
      // log2: negative values in the bucket below 0, the others as in an unsigned histogram.
      const signedSlot = (v: number) => (v < 0 ? 0 : log2Slot(v) + 1);
      const signedBounds = (s: number): [bigint | undefined, bigint | undefined] => (s === 0 ? [undefined, -1n] : log2Bounds(s - 1));
      expect(await probe.deltas.get()).toEqual({ kind: "hist", buckets: histogram(deltas, signedSlot, signedBounds), total: big(deltas.length) });
      // linear: negative values below min, compared as signed.
      expect(await probe.linear.get()).toEqual({ kind: "lhist", step: 1000n, total: big(deltas.length),
        buckets: histogram(deltas, linearSlot(0, 5000, 1000), linearBounds(0, 5000, 1000)) });
      expect(probe.delta.signed && probe.deltas.signed).toBe(true);
    } finally {
      writer.kill();
    }
  }, 120_000);

  it("keys a count by kernel stack id: every write counted under a stack the stack map holds", async () => {
    const writer = startWriter(plan);
    try {
      await using probe = await load(WritesByStack, { config: { targetPid: writer.pid } });
      probe.attach();
      await writer.run();
      const entries = await probe.byStack.entries();
      expectTypeOf(entries).toEqualTypeOf<[bigint, bigint][]>();
      expect(entries.length).toBeGreaterThanOrEqual(1);
      expect(entries.reduce((n, [, count]) => n + count, 0n)).toBe(big(writes.length));
      for (const [id] of entries) expect(probe.stacks.get(Number(id))?.length).toBeGreaterThan(0);
      // tsbpf run's printout names the stacks as bpftrace prints `@[kstack]`: a frame a line, the
      // syscall entry path (named from /proc/kallsyms) among them, one entry per id.
      const lines: string[] = [];
      await printMaps(probe.object, probe.object.spec, { json: false, allMaps: false }, (line) => lines.push(line), new StackNames(probe.object));
      const printed = lines.join("\n");
      expect(printed.match(/^@byStack\[$/gm)?.length).toBe(entries.length);
      expect(printed).toMatch(/^ {4}do_syscall_64\+0x[0-9a-f]+$/m);
      expect(printed).not.toMatch(/^@byStack\[\d/m);
    } finally {
      writer.kill();
    }
  }, 120_000);
});
