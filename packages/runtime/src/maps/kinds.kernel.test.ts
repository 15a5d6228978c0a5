// Every map kind's user-space handle against the kernel: arrays, per-CPU and LRU hashes, batch
// operations, LPM tries, queues and stacks, bloom filters, map-in-map, fd-valued maps, storage,
// pinning, and validation errors. Maps come from ObjectSpecs with BTF-described key/value types.
import { MapType, type MapSpec, type ObjectSpec } from "@tsbpf/object";
import { rmSync } from "node:fs";
import { expect, it } from "vitest";
import { MapError } from "../errors.js";
import { loadObject } from "../load/load-object.js";
import { possibleCpus } from "../sys/cpus.js";
import { cgroupV2Root, openCgroup } from "../sys/cgroup.js";
import { AF_INET, bindSocket, openSocket, SOCK_DGRAM, sockaddrIn } from "../sys/socket.js";
import { BtfBuilder } from "../testing/btf.js";
import { describeKernel } from "../testing/kernel.js";
import { ArrayMapHandle, PerCpuArrayHandle } from "./array.js";
import { BloomFilterHandle } from "./bloom-filter.js";
import { CpuMapHandle, DevMapHandle, MapOfMapsHandle, SockMapHandle } from "./fd-maps.js";
import { HashMapHandle } from "./hash-map.js";
import { LruHashHandle, PerCpuHashHandle } from "./hash-kinds.js";
import { LpmTrieHandle } from "./lpm-trie.js";
import { openPinnedMap } from "./pinned.js";
import { QueueHandle, StackHandle } from "./queue-stack.js";
import { StorageHandle } from "./storage.js";

const b = new BtfBuilder();
const u32 = b.int("u32", 4);
const u64 = b.int("u64", 8);
const int = b.int("int", 4, true);
const point = b.struct("point", [["x", u32], ["y", u64], ["name", b.array(b.char(), 8)]]);

function map(name: string, type: number, keySize: number, valueSize: number, maxEntries: number, keyTypeId = 0, valueTypeId = 0, extra: Partial<MapSpec> = {}): MapSpec {
  return { name, kind: "btf-map", type, keySize, valueSize, maxEntries, flags: 0, keyTypeId, valueTypeId, ...extra };
}

function objectWith(...maps: MapSpec[]): ObjectSpec {
  return { license: "GPL", btf: b.btf, maps, programs: [] };
}

describeKernel("map handles on the kernel", () => {
  it("arrays: every index exists, delete is refused, clear zeroes", async () => {
    await using o = await loadObject(objectWith(map("arr", MapType.Array, 4, 24, 4, u32, point)));
    const arr = o.map("arr") as ArrayMapHandle<{ x: number; y: bigint; name: string }>;
    expect(arr).toBeInstanceOf(ArrayMapHandle);
    expect(arr.length).toBe(4);
    expect(arr.get(3)).toEqual({ x: 0, y: 0n, name: "" });
    arr.set(1, { x: 7, y: 1n << 40n, name: "seven" });
    expect(arr.get(1)).toEqual({ x: 7, y: 1n << 40n, name: "seven" });
    expect(() => arr.delete()).toThrow(MapError);
    arr.clear();
    expect(arr.get(1)).toEqual({ x: 0, y: 0n, name: "" });
    expect(() => arr.set(0, { x: 2 ** 32, y: 0n, name: "" })).toThrow(/value\.x/);
    expect(() => arr.set(0, { x: 1, y: 0n, name: "far too long" })).toThrow(MapError);
    expect(() => arr.set(0, { x: 1, y: 5 as unknown as bigint, name: "" })).toThrow(MapError);
  });

  it("per-CPU maps take and give one value per possible CPU", async () => {
    await using o = await loadObject(objectWith(map("pch", MapType.PerCpuHash, 4, 8, 8, u32, u64), map("pca", MapType.PerCpuArray, 4, 4, 2, u32, u32)));
    const cpus = possibleCpus();
    const pch = o.map("pch") as PerCpuHashHandle<number, bigint>;
    const pca = o.map("pca") as PerCpuArrayHandle<number>;
    expect(pch).toBeInstanceOf(PerCpuHashHandle);
    const values = Array.from({ length: cpus }, (_, i) => BigInt(i * 10));
    pch.set(5, values);
    expect(pch.get(5)).toEqual(values);
    expect(() => pch.set(6, [1n])).toThrow(/one value per possible CPU/);
    pca.set(1, Array.from({ length: cpus }, (_, i) => i + 1));
    expect(pca.get(1)).toEqual(Array.from({ length: cpus }, (_, i) => i + 1));
  });

  it("LRU hashes evict instead of refusing; batches read, write and delete many", async () => {
    await using o = await loadObject(objectWith(map("lru", MapType.LruHash, 4, 8, 16, u32, u64), map("h", MapType.Hash, 4, 8, 256, u32, u64)));
    const lru = o.map("lru") as LruHashHandle<number, bigint>;
    for (let i = 0; i < 200; i++) lru.set(i, BigInt(i));
    let n = 0;
    for await (const _ of lru.keys()) n++;
    expect(n).toBeLessThanOrEqual(200);
    expect(lru.get(199)).toBe(199n); // the newest survives
    const h = o.map("h") as HashMapHandle<number, bigint>;
    expect(h.setMany(Array.from({ length: 100 }, (_, i) => [i, BigInt(i * i)] as [number, bigint]))).toBe(100);
    const seen = new Map<number, bigint>();
    let batches = 0;
    for await (const batch of h.batches({ batchSize: 16 })) {
      batches++;
      for (const [k, v] of batch) seen.set(k, v);
    }
    expect(batches).toBeGreaterThan(1);
    expect(seen.size).toBe(100);
    expect(seen.get(9)).toBe(81n);
    expect(h.deleteMany(Array.from({ length: 50 }, (_, i) => i))).toBe(50);
    expect(h.has(10)).toBe(false);
    expect(h.has(60)).toBe(true);
    let drained = 0;
    for await (const batch of h.batches({ andDelete: true })) drained += batch.length;
    expect(drained).toBe(50);
    expect(h.has(60)).toBe(false);
  });

  it("LPM tries match the longest prefix", async () => {
    await using o = await loadObject(objectWith(map("routes", MapType.LpmTrie, 8, 4, 16, 0, u32, { flags: 1 /* NO_PREALLOC */ })));
    const routes = o.map("routes") as LpmTrieHandle<number>;
    routes.set({ prefixLen: 8, data: "10.0.0.0" }, 1);
    routes.set({ prefixLen: 16, data: [10, 1, 0, 0] }, 2);
    expect(routes.get({ prefixLen: 32, data: "10.1.2.3" })).toBe(2);
    expect(routes.get({ prefixLen: 32, data: "10.2.0.1" })).toBe(1);
    expect(routes.get({ prefixLen: 32, data: "11.0.0.1" })).toBeUndefined();
    expect(() => routes.set({ prefixLen: 33, data: "10.0.0.0" }, 3)).toThrow(/prefixLen is at most 32/);
    expect(() => routes.set({ prefixLen: 8, data: "not an address" }, 3)).toThrow(/4 bytes or an IPv4 address/);
  });

  it("queues are FIFO, stacks LIFO, with peek and overwrite", async () => {
    await using o = await loadObject(objectWith(map("q", MapType.Queue, 0, 4, 3, 0, u32), map("s", MapType.Stack, 0, 4, 3, 0, u32)));
    const q = o.map("q") as QueueHandle<number>;
    const s = o.map("s") as StackHandle<number>;
    for (const v of [1, 2, 3]) {
      q.push(v);
      s.push(v);
    }
    expect(() => q.push(4)).toThrow(/E2BIG/);
    q.push(4, { overwrite: true });
    expect(q.peek()).toBe(2);
    const fromQueue: number[] = [];
    for await (const v of q) fromQueue.push(v);
    expect(fromQueue).toEqual([2, 3, 4]);
    expect([s.pop(), s.pop(), s.pop(), s.pop()]).toEqual([3, 2, 1, undefined]);
  });

  it("bloom filters answer membership", async () => {
    await using o = await loadObject(objectWith(map("bf", MapType.BloomFilter, 0, 8, 64, 0, u64, { mapExtra: 3n })));
    const bf = o.map("bf") as BloomFilterHandle<bigint>;
    for (let i = 0n; i < 20n; i++) bf.add(i * 1000n);
    for (let i = 0n; i < 20n; i++) expect(bf.has(i * 1000n)).toBe(true);
    let falsePositives = 0;
    for (let i = 1n; i < 200n; i++) if (bf.has(i * 1000n + 7n)) falsePositives++;
    expect(falsePositives).toBeLessThan(100);
  });

  it("maps of maps, devmaps, cpumaps and sockmaps hold kernel objects by descriptor", async () => {
    const inner = map("inner", MapType.Array, 4, 4, 1);
    await using o = await loadObject(
      objectWith(
        map("outer", 12 /* ARRAY_OF_MAPS */, 4, 4, 2, 0, 0, { innerMap: inner }),
        map("other", MapType.Array, 4, 4, 1),
        map("dev", 14 /* DEVMAP */, 4, 4, 4),
        map("cpu", 16 /* CPUMAP */, 4, 4, 1),
        map("socks", 15 /* SOCKMAP */, 4, 8, 2),
      ),
    );
    const outer = o.map("outer") as MapOfMapsHandle;
    const other = o.map("other");
    outer.set(1, other);
    expect(outer.mapId(1)).toBe(other.info().id);
    expect(outer.mapId(0)).toBeUndefined();
    const dev = o.map("dev") as DevMapHandle;
    dev.set(0, { interface: "lo" });
    expect(dev.interfaceIndex(0)).toBe(1);
    const cpu = o.map("cpu") as CpuMapHandle;
    cpu.set(0, { queueSize: 192 });
    expect(cpu.queueSize(0)).toBe(192);
    const socks = o.map("socks") as SockMapHandle;
    using udp = openSocket(AF_INET, SOCK_DGRAM, 0, "sockmap test socket");
    bindSocket(udp, sockaddrIn("127.0.0.1", 0));
    socks.set(0, udp);
    expect(socks.cookie(0)).toBeGreaterThan(0n);
    expect(socks.delete(0)).toBe(true);
  });

  it("socket and cgroup storage are keyed by descriptor", async () => {
    await using o = await loadObject(
      objectWith(map("sk", 24 /* SK_STORAGE */, 4, 8, 0, int, u64, { flags: 1 }), map("cg", 32 /* CGRP_STORAGE */, 4, 8, 0, int, u64, { flags: 1 })),
    );
    const sk = o.map("sk") as StorageHandle<bigint>;
    using udp = openSocket(AF_INET, SOCK_DGRAM, 0, "storage test socket");
    expect(sk.get(udp)).toBeUndefined();
    sk.set(udp, 42n);
    expect(sk.get(udp)).toBe(42n);
    const cg = o.map("cg") as StorageHandle<bigint>;
    using root = openCgroup(cgroupV2Root());
    cg.set(root, 7n);
    expect(cg.get(root)).toBe(7n);
    expect(cg.delete(root)).toBe(true);
  });

  it("pins to bpffs and opens what is pinned", async () => {
    const path = `/sys/fs/bpf/tsbpf-attach-${process.pid}-pin`;
    rmSync(path, { force: true });
    try {
      await using o = await loadObject(objectWith(map("h", MapType.Hash, 4, 8, 4, u32, u64)));
      const h = o.map("h") as HashMapHandle<number, bigint>;
      h.set(3, 33n);
      h.pin(path);
      const opened = openPinnedMap<HashMapHandle<Uint8Array, Uint8Array>>(path);
      try {
        expect(opened).toBeInstanceOf(HashMapHandle);
        expect(opened.get(new Uint8Array([3, 0, 0, 0]))).toEqual(new Uint8Array([33, 0, 0, 0, 0, 0, 0, 0]));
        expect(() => opened.get(new Uint8Array(3))).toThrow(/expected 4 bytes/);
      } finally {
        opened.close();
      }
    } finally {
      rmSync(path, { force: true });
    }
  });
});
