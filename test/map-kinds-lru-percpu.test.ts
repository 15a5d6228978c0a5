// An LRU per-CPU hash and a hash of maps used from programs (test/fixtures/map-kinds-lru-percpu.bpf.ts),
// run through BPF_PROG_TEST_RUN on chosen CPUs (BPF_F_TEST_RUN_ON_CPU, raw_tp: kernel 5.10); the
// reference is what the test ran where. LRU per-CPU hash: kernel 4.10; hash of maps: 4.12.
import { availableParallelism } from "node:os";
import { expect, it } from "vitest";
import { load } from "tsbpf";
import { describeKernel } from "@tsbpf/runtime/testing";
import { LruPerCpuAndHashOfMaps } from "./fixtures/map-kinds-lru-percpu.bpf.ts";

const BPF_F_TEST_RUN_ON_CPU = 1;
const ENOENT = 2;

describeKernel("LRU per-CPU hash and hash of maps from programs", () => {
  it("the LRU per-CPU hash keeps one value per CPU the program ran on, and evicts over capacity", async () => {
    await using probe = await load(LruPerCpuAndHashOfMaps);
    const cpus = Math.min(availableParallelism(), 2);
    const add = (key: number, by: bigint, cpu: number) =>
      probe.programs.add.testRun({ args: [BigInt(key), by], flags: BPF_F_TEST_RUN_ON_CPU, cpu }).retval | 0;
    expect(add(1, 5n, 0)).toBe(5);
    expect(add(1, 2n, 0)).toBe(7);
    if (cpus > 1) expect(add(1, 100n, 1)).toBe(100); // CPU 1's copy starts from 0
    const values = probe.recent.get(1)!;
    expect(values[0]).toBe(7n);
    if (cpus > 1) expect(values[1]).toBe(100n);
    expect(values.slice(cpus).every((v) => v === 0n)).toBe(true);

    // Four keys fill the map; touching key 1 again makes key 2 the least recently used, so
    // three more keys evict some of 2..4 but the map never holds more than its capacity.
    for (const key of [2, 3, 4]) add(key, 1n, 0);
    add(1, 1n, 0);
    for (const key of [5, 6, 7]) add(key, 1n, 0);
    const keys: number[] = [];
    for await (const key of probe.recent.keys()) keys.push(key);
    expect(keys.length).toBeLessThanOrEqual(4);
    expect(keys).toContain(7); // the newest insertion is kept
    expect([2, 3, 4].filter((k) => keys.includes(k)).length).toBeLessThan(3); // something old was evicted
    for (const key of keys) expect(probe.recent.get(key)![0]).toBeGreaterThan(0n); // what is left is what CPU 0 stored
  });

  it("a hash of maps' slot reaches the inner map user space put there; swapping the map moves the writes", async () => {
    await using probe = await load(LruPerCpuAndHashOfMaps);
    const put = (table: number, key: number, value: bigint) => probe.programs.put.testRun({ args: [BigInt(table), BigInt(key), value] }).retval | 0;
    expect(put(42, 1, 10n)).toBe(-ENOENT); // no inner map under 42 yet
    probe.tables.set(42, probe.left);
    expect(put(42, 1, 10n)).toBe(10);
    expect(probe.left.get(1)).toBe(10n);
    expect(probe.right.get(1)).toBeUndefined();
    probe.tables.set(42, probe.right);
    expect(put(42, 1, 20n)).toBe(20);
    expect(probe.right.get(1)).toBe(20n);
    expect(probe.left.get(1)).toBe(10n); // the old inner map is untouched
    probe.tables.delete(42);
    expect(put(42, 1, 30n)).toBe(-ENOENT);
  });
});
