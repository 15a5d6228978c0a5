// A full map and an index past maxEntries, on the real kernel: the kernel answers E2BIG
// ("argument list too long"); the handles say which map, why and what to do, as MapErrors that
// keep the errno. The reference is the kernel's own state: the map still holds exactly what fit.
import type { ObjectSpec } from "@tsbpf/object";
import { MapType } from "@tsbpf/object";
import { expect, it } from "vitest";
import { MapError } from "../errors.js";
import { loadObject } from "../load/load-object.js";
import { BtfBuilder } from "../testing/btf.js";
import { describeKernel } from "../testing/kernel.js";
import type { ArrayMapHandle } from "./array.js";
import type { HashMapHandle } from "./hash-map.js";
import type { QueueHandle } from "./queue-stack.js";

function smallMaps(): ObjectSpec {
  const b = new BtfBuilder();
  const u32 = b.int("u32", 4);
  const map = (name: string, type: number, keySize: number, maxEntries: number) =>
    ({ name, kind: "btf-map" as const, type, keySize, valueSize: 4, maxEntries, flags: 0, keyTypeId: keySize ? u32 : 0, valueTypeId: u32 });
  return { license: "GPL", programs: [], btf: b.btf, maps: [map("small", MapType.Hash, 4, 2), map("arr", MapType.Array, 4, 3), map("fifo", MapType.Queue, 0, 2)] };
}

describeKernel("full maps and indices past maxEntries", () => {
  it("a new key in a full hash map is a MapError that says what to do", async () => {
    await using object = await loadObject(smallMaps());
    const small = object.maps.get("small") as HashMapHandle<number, number>;
    small.set(1, 10);
    small.set(2, 20);
    small.set(2, 21); // an existing key still updates
    const error = (() => { try { small.set(3, 30); } catch (e) { return e; } })();
    expect(error).toBeInstanceOf(MapError);
    expect((error as MapError).code).toBe("E2BIG");
    expect((error as MapError).message).toMatch(/map small: is full \(E2BIG\): all 2 entries \(maxEntries\) are in use; delete entries first.*raise maxEntries/);
    const keys: number[] = [];
    for await (const k of small.keys()) keys.push(k);
    expect(keys.sort()).toEqual([1, 2]);
    expect(small.get(2)).toBe(21);
  });

  it("an array index past maxEntries is a MapError naming the valid range", async () => {
    await using object = await loadObject(smallMaps());
    const arr = object.maps.get("arr") as ArrayMapHandle<number>;
    arr.set(2, 7);
    expect(() => arr.set(3, 1)).toThrow(/map arr: index 3 is outside the array: it has 3 elements \(maxEntries\), indices 0 to 2/);
    expect(() => arr.set(-1, 1)).toThrow(MapError);
    expect(arr.get(2)).toBe(7);
  });

  it("a push onto a full queue is a MapError", async () => {
    await using object = await loadObject(smallMaps());
    const fifo = object.maps.get("fifo") as QueueHandle<number>;
    fifo.push(1);
    fifo.push(2);
    expect(() => fifo.push(3)).toThrow(/map fifo: is full \(E2BIG\): all 2 entries .*overwrite: true/);
    fifo.push(3, { overwrite: true });
    expect(fifo.pop()).toBe(2);
  });
});
