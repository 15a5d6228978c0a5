// Maps of kernel objects from the kernel side: methods on a map of maps' slot, task local storage,
// perf event array output and devmap redirects, run through BPF_PROG_TEST_RUN
// (test/fixtures/map-kinds-objects.bpf.ts). Kernel 5.11 (task storage), 4.12 (maps of maps).
import { expect, it } from "vitest";
import { load } from "tsbpf";
import { describeKernel } from "@tsbpf/runtime/testing";
import { ObjectMaps } from "./fixtures/map-kinds-objects.bpf.ts";

const ENOENT = 2;
const XDP_PASS = 2;
const XDP_REDIRECT = 4;

describeKernel("map kinds holding kernel objects", () => {
  it("methods on a map of maps' slot reach the inner map, and report -ENOENT for an empty slot", async () => {
    await using probe = await load(ObjectMaps);
    const store = (table: number, key: number, value: bigint) => probe.programs.store.testRun({ args: [BigInt(table), BigInt(key), value] }).retval | 0;
    expect(store(0, 7, 70n)).toBe(-ENOENT);
    probe.tables.set(0, probe.first);
    expect(store(0, 7, 70n)).toBe(70);
    expect(probe.first.get(7)).toBe(71n); // stored, then incremented through the slot
    expect(store(1, 7, 5n)).toBe(-ENOENT);
  });

  it("task storage keeps a value per task, created on first use", async () => {
    await using probe = await load(ObjectMaps);
    const run = (by: bigint) => probe.programs.countRuns.testRun({ args: [by] }).retval;
    expect(run(0n)).toBe(1);
    expect(run(0n)).toBe(2);
    expect(run(10n)).toBe(13);
  });

  it("perfOutput delivers records to the perf buffer reader", async () => {
    await using probe = await load(ObjectMaps);
    const records: unknown[] = [];
    probe.notes.consume((r) => records.push(r)); // opens the per-CPU rings
    expect(probe.programs.note.testRun({ args: [1n, 100n] }).retval).toBe(0);
    expect(probe.programs.note.testRun({ args: [2n, 1n << 40n] }).retval).toBe(0);
    probe.notes.consume((r) => records.push(r));
    expect(records).toEqual([{ tag: 1, value: 100n }, { tag: 2, value: 1n << 40n }]);
  });

  it("a devmap redirect returns XDP_REDIRECT for a filled slot and the fallback action otherwise", async () => {
    await using probe = await load(ObjectMaps);
    const packet = new Uint8Array(64);
    expect(probe.programs.forward.testRun({ data: packet }).retval).toBe(XDP_PASS);
    probe.devices.set(0, { interface: "lo" });
    expect(probe.programs.forward.testRun({ data: packet }).retval).toBe(XDP_REDIRECT);
  });
});
