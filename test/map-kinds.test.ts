// Every map kind's kernel-side methods, compiled from test/fixtures/map-kinds.bpf.ts and run in the
// kernel through BPF_PROG_TEST_RUN; the results are read back through the typed user-space
// handles or checked from what the programs return. Needs Linux 5.16 (bloom filter), syscall
// programs 5.14, raw_tp test runs 5.10.
import { expect, expectTypeOf, it } from "vitest";
import { load } from "tsbpf";
import { describeKernel } from "@tsbpf/runtime/testing";
import { MapKinds } from "./fixtures/map-kinds.bpf.ts";

const args = (over: Partial<{ key: number; count: number; value: bigint; out: bigint; found: number }> = {}) =>
  ({ key: 0, count: 0, value: 0n, out: 0n, found: 0, ...over });

describeKernel("map kinds: kernel-side methods", () => {
  it("increment adds atomically, inserting absent keys; per-CPU values read back as arrays", async () => {
    await using probe = await load(MapKinds);
    const run = (key: number, count: number, value: bigint) => probe.programs.increments.testRun({ ctx: args({ key, count, value }) });
    expect(run(3, 4, 10n).ctxOut!.out).toBe(40n);
    expect(run(3, 2, 1n).ctxOut!.out).toBe(42n);
    run(5, 1, 7n);
    expect(probe.hash.get(3)).toBe(42n);
    expect(probe.hash.get(5)).toBe(7n);
    expect(probe.hash.get(4)).toBeUndefined();
    expect(probe.array.get(3)).toBe(2n);
    expect(probe.array.get(5)).toBe(1n);
    expect(probe.array.get(0)).toBe(0n);

    const perCpu = probe.perCpuHash.get(3)!;
    expectTypeOf(perCpu).toEqualTypeOf<bigint[]>();
    expect(perCpu.length).toBeGreaterThan(0);
    expect(perCpu.reduce((a, b) => a + b, 0n)).toBe(42n);
    const perCpuArray = probe.perCpuArray.get(3)!;
    expectTypeOf(perCpuArray).toEqualTypeOf<number[]>();
    expect(perCpuArray.reduce((a, b) => a + b, 0)).toBe(10);
  });

  it("update honours its flags; delete of an absent key is -ENOENT; the LRU hash stores", async () => {
    await using probe = await load(MapKinds);
    const { retval, ctxOut } = probe.programs.updates.testRun({ ctx: args({ key: 9, value: 99n }) });
    // first insert 0, second (BPF_NOEXIST on an existing key) -EEXIST = -17: 0 * 10 + -17
    expect(retval | 0).toBe(-17);
    expect(ctxOut!.out).toBe(100n);
    expect(ctxOut!.found | 0).toBe(-2);
    expect(probe.hash.get(9)).toBe(99n);
    expect(probe.lru.get(9)).toBe(99n);
  });

  it("the LPM trie finds the longest matching prefix; user space sees the { prefixLen, data } keys", async () => {
    await using probe = await load(MapKinds);
    const ip = (a: number, b: number, c: number, d: number) => a | (b << 8) | (c << 16) | (d << 24) >>> 0;
    const lpm = (address: number) => probe.programs.lpm.testRun({ args: [BigInt(address >>> 0)] }).retval | 0;
    expect(lpm(ip(10, 1, 2, 3))).toBe(2);
    expect(lpm(ip(10, 9, 2, 3))).toBe(1);
    expect(lpm(ip(11, 1, 2, 3))).toBe(-1);
    expect(probe.routes.get({ prefixLen: 16, data: "10.1.0.0" })).toBe(2);
    expect(probe.routes.get({ prefixLen: 32, data: [10, 200, 0, 1] })).toBe(1); // longest match: 10/8
    probe.routes.set({ prefixLen: 24, data: "10.1.2.0" }, 3);
    expect(lpm(ip(10, 1, 2, 3))).toBe(3);
  });

  it("a queue pops the oldest element, a stack the newest; peek leaves it", async () => {
    await using probe = await load(MapKinds);
    expect(probe.programs.queues.testRun({ args: [3n] }).retval).toBe(0);
    expect(probe.results.get(0)).toBe(10n); // queue: first in
    expect(probe.results.get(1)).toBe(30n); // stack: last in
    expect(probe.results.get(2)).toBe(20n); // queue peek: the next one
    // Empty maps: pop gives null.
    await using empty = await load(MapKinds);
    expect(empty.programs.queues.testRun({ args: [0n] }).retval | 0).toBe(-1);
  });

  it("a bloom filter answers 'maybe' for what was pushed and mostly 'no' for the rest", async () => {
    await using probe = await load(MapKinds);
    let falsePositives = 0;
    for (let i = 1; i <= 20; i++) {
      const value = BigInt(i * 7919);
      expect(probe.programs.bloom.testRun({ args: [value, value] }).retval).toBe(11);
      const other = probe.programs.bloom.testRun({ args: [value, BigInt(1_000_003 + i)] }).retval;
      expect(other === 10 || other === 11).toBe(true);
      falsePositives += other - 10;
    }
    expect(falsePositives).toBeLessThan(5);
  });

  it("ring buffer reserve/submit delivers records, discard drops them", async () => {
    await using probe = await load(MapKinds);
    const ring = probe.programs.ring;
    expect(ring.testRun({ ctx: args({ key: 1, count: 11, value: 100n }) }).retval).toBe(1);
    expect(ring.testRun({ ctx: args({ key: 0, count: 12, value: 200n }) }).retval).toBe(0);
    expect(ring.testRun({ ctx: args({ key: 2, count: 13, value: 300n }) }).retval).toBe(1);
    const records: unknown[] = [];
    probe.samples.consume((r) => records.push(r));
    expect(records).toEqual([{ seq: 1, flags: 11, value: 100n }, { seq: 2, flags: 13, value: 300n }]);
  });

  it("getStackId records the kernel stack and gives the same id for the same stack", async () => {
    await using probe = await load(MapKinds);
    const first = probe.programs.stackId.testRun({ args: [0n] }).retval | 0;
    const second = probe.programs.stackId.testRun({ args: [0n] }).retval | 0;
    expect(first).toBeGreaterThanOrEqual(0);
    expect(second).toBe(first);
  });

  it("tailCall jumps to the program in the prog array, and falls through when the slot is empty", async () => {
    await using probe = await load(MapKinds);
    const dispatch = probe.programs.dispatch;
    expect(dispatch.testRun({ args: [0n, 42n] }).retval).toBe(7);
    probe.jumps.set(0, probe.programs.target);
    expect(dispatch.testRun({ args: [0n, 42n] }).retval).toBe(42);
    expect(dispatch.testRun({ args: [1n, 42n] }).retval).toBe(7);
  });
});
