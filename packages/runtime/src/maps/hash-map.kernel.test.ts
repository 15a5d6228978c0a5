import type { ObjectSpec } from "@tsbpf/object";
import { MapType } from "@tsbpf/object";
import { rmSync } from "node:fs";
import { expect, it } from "vitest";
import { BpfError, MapError } from "../errors.js";
import { loadObject } from "../load/load-object.js";
import { BtfBuilder } from "../testing/btf.js";
import { describeKernel } from "../testing/kernel.js";
import { HashMapHandle } from "./hash-map.js";

/** An object with only maps: a hash of u32 → struct stats, and a per-CPU array of u64. */
function mapsOnly(): ObjectSpec {
  const b = new BtfBuilder();
  const u32 = b.int("u32", 4);
  const u64 = b.int("u64", 8);
  const char = b.char();
  const stats = b.struct("stats", [["calls", u32], ["bytes", u64], ["comm", b.array(char, 8)]]);
  return {
    license: "GPL",
    programs: [],
    btf: b.btf,
    maps: [
      { name: "stats", kind: "btf-map", type: MapType.Hash, keySize: 4, valueSize: 24, maxEntries: 4, flags: 0, keyTypeId: u32, valueTypeId: stats },
      { name: "per_cpu", kind: "btf-map", type: MapType.PerCpuArray, keySize: 4, valueSize: 8, maxEntries: 2, flags: 0, keyTypeId: u32, valueTypeId: u64 },
    ],
  };
}

describeKernel("HashMapHandle on the kernel", () => {
  it("creates, reads, updates, deletes and walks a hash map of structs", async () => {
    await using object = await loadObject(mapsOnly());
    const stats = object.maps.get("stats") as HashMapHandle<number, { calls: number; bytes: bigint; comm: string }>;
    expect(stats).toBeInstanceOf(HashMapHandle);
    expect(stats.info()).toMatchObject({ type: MapType.Hash, keySize: 4, valueSize: 24, maxEntries: 4, name: "stats" });

    expect(stats.get(1)).toBeUndefined();
    stats.set(1, { calls: 3, bytes: 1n << 40n, comm: "node" });
    stats.set(7, { calls: 0xffffffff, bytes: 5n, comm: "12345678" });
    expect(stats.get(1)).toEqual({ calls: 3, bytes: 1n << 40n, comm: "node" });
    expect(stats.get(7)).toEqual({ calls: 0xffffffff, bytes: 5n, comm: "12345678" });
    expect(stats.has(7)).toBe(true);

    expect(() => stats.set(1, { calls: 1, bytes: 1n, comm: "x" }, "noexist")).toThrow(expect.objectContaining({ code: "EEXIST" }));
    expect(() => stats.set(2, { calls: 1, bytes: 1n, comm: "x" }, "exist")).toThrow(expect.objectContaining({ code: "ENOENT" }));
    expect(() => stats.set(-1, { calls: 1, bytes: 1n, comm: "x" })).toThrow(MapError);

    const keys: number[] = [];
    for await (const key of stats.keys()) keys.push(key);
    expect(keys.sort((a, b) => a - b)).toEqual([1, 7]);
    const entries = new Map<number, unknown>();
    for await (const [k, v] of stats) entries.set(k, v);
    expect(entries.get(7)).toEqual({ calls: 0xffffffff, bytes: 5n, comm: "12345678" });

    expect(stats.delete(1)).toBe(true);
    expect(stats.delete(1)).toBe(false);
    expect(stats.get(1)).toBeUndefined();

    // Four entries fill it: the fifth is E2BIG from the kernel.
    for (const k of [10, 11, 12]) stats.set(k, { calls: k, bytes: 0n, comm: "" });
    expect(() => stats.set(13, { calls: 0, bytes: 0n, comm: "" })).toThrow(BpfError);
  });

  it("reads and writes per-CPU values as one element per possible CPU", async () => {
    await using object = await loadObject(mapsOnly());
    const perCpu = object.maps.get("per_cpu") as HashMapHandle<number, bigint[]>;
    const initial = perCpu.get(0)!;
    expect(initial.length).toBeGreaterThan(0);
    expect(initial.every((v) => v === 0n)).toBe(true);
    const values = initial.map((_, cpu) => BigInt(cpu + 1) * 10n);
    perCpu.set(1, values);
    expect(perCpu.get(1)).toEqual(values);
    expect(() => perCpu.set(1, [1n])).toThrow(/one value per possible CPU/);
  });
});

describeKernel("maps pinned by name", () => {
  it("pins on first load and reuses the pinned map on the next, refusing another shape", async () => {
    const name = `tsbpf_pin_${process.pid}`;
    const path = `/sys/fs/bpf/${name}`;
    const pinnedSpec = (maxEntries: number): ObjectSpec => {
      const s = mapsOnly();
      s.maps = [{ ...s.maps[0]!, name, maxEntries, pinning: 1 }];
      return s;
    };
    try {
      const first = await loadObject(pinnedSpec(4));
      const map = first.maps.get(name) as HashMapHandle<number, { calls: number; bytes: bigint; comm: string }>;
      map.set(5, { calls: 1, bytes: 2n, comm: "pinned" });
      const id = map.info().id;
      first.close();
      await using second = await loadObject(pinnedSpec(4));
      const again = second.maps.get(name) as HashMapHandle<number, { calls: number; bytes: bigint; comm: string }>;
      expect(again.info().id).toBe(id);
      expect(again.get(5)).toEqual({ calls: 1, bytes: 2n, comm: "pinned" });
      await expect(loadObject(pinnedSpec(8))).rejects.toThrow(/another shape/);
    } finally {
      rmSync(path, { force: true });
    }
  });
});
