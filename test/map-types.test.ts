// The user-space types of loaded probes follow their map classes (checked by tsc: test/types.test.ts
// type-checks this file, and the misuse cases below must fail to compile): per-CPU values are
// arrays, LPM keys { prefixLen, data }, queues push/pop, event maps iterate decoded records.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, expectTypeOf, it } from "vitest";
import type {
  ArrayMapHandle, BloomFilterHandle, CpuMapHandle, DevMapHandle, HashMapHandle, LoadedProbe, LpmKey, LpmTrieHandle, LruHashHandle,
  MapOfMapsHandle, PerCpuArrayHandle, PerCpuHashHandle, PerfBufReader, ProgArrayHandle, QueueHandle, RingBufReader, StackHandle,
  StackTraceHandle, StorageHandle,
} from "tsbpf";
import type { MapKinds } from "./fixtures/map-kinds.bpf.ts";
import type { ObjectMaps } from "./fixtures/map-kinds-objects.bpf.ts";
import { repoRoot } from "./support/paths.js";

type Kinds = LoadedProbe<MapKinds>;
type Objects = LoadedProbe<ObjectMaps>;

describe("user-space types of map handles", () => {
  it("follow the map classes", () => {
    expectTypeOf<Kinds["hash"]>().toEqualTypeOf<HashMapHandle<number, bigint>>();
    expectTypeOf<Kinds["array"]>().toEqualTypeOf<ArrayMapHandle<bigint>>();
    expectTypeOf<Kinds["perCpuHash"]>().toEqualTypeOf<PerCpuHashHandle<number, bigint>>();
    expectTypeOf<ReturnType<Kinds["perCpuHash"]["get"]>>().toEqualTypeOf<bigint[] | undefined>();
    expectTypeOf<Kinds["perCpuArray"]>().toEqualTypeOf<PerCpuArrayHandle<number>>();
    expectTypeOf<ReturnType<Kinds["perCpuArray"]["get"]>>().toEqualTypeOf<number[] | undefined>();
    expectTypeOf<Kinds["lru"]>().toEqualTypeOf<LruHashHandle<number, bigint>>();
    expectTypeOf<Kinds["routes"]>().toEqualTypeOf<LpmTrieHandle<number>>();
    expectTypeOf<Parameters<Kinds["routes"]["get"]>[0]>().toEqualTypeOf<LpmKey>();
    expectTypeOf<Kinds["fifo"]>().toEqualTypeOf<QueueHandle<bigint>>();
    expectTypeOf<Kinds["lifo"]>().toEqualTypeOf<StackHandle<bigint>>();
    expectTypeOf<Kinds["seen"]>().toEqualTypeOf<BloomFilterHandle<bigint>>();
    expectTypeOf<Kinds["samples"]>().toEqualTypeOf<RingBufReader<{ seq: number; flags: number; value: bigint }>>();
    expectTypeOf<Kinds["stacks"]>().toEqualTypeOf<StackTraceHandle>();
    expectTypeOf<Kinds["jumps"]>().toEqualTypeOf<ProgArrayHandle>();
    expectTypeOf<Objects["tables"]>().toEqualTypeOf<MapOfMapsHandle<number>>();
    expectTypeOf<Objects["perTask"]>().toEqualTypeOf<StorageHandle<{ runs: bigint }>>();
    expectTypeOf<Objects["notes"]>().toEqualTypeOf<PerfBufReader<{ tag: number; value: bigint }>>();
    expectTypeOf<Objects["devices"]>().toEqualTypeOf<DevMapHandle>();
    expectTypeOf<CpuMapHandle>().not.toEqualTypeOf<DevMapHandle>();
  });

  it("reject values of the wrong shape", () => {
    const dir = mkdtempSync(join(repoRoot, "test", ".tmp-map-types-"));
    try {
      writeFileSync(join(dir, "misuse.ts"), `
import { load } from "tsbpf";
import { MapKinds } from "../fixtures/map-kinds.bpf.ts";
const probe = await load(MapKinds);
probe.perCpuHash.set(1, 5n);
probe.hash.set(1, 5);
probe.fifo.push("x");
const n: number = probe.array.get(0)!;
`);
      writeFileSync(join(dir, "tsconfig.json"), JSON.stringify({ extends: "../tsconfig.json", include: ["misuse.ts"] }));
      const tsc = join(repoRoot, "node_modules", "typescript", "bin", "tsc");
      const result = spawnSync(process.execPath, [tsc, "-p", join(dir, "tsconfig.json")], { encoding: "utf8" });
      expect(result.status).not.toBe(0);
      for (const line of [5, 6, 7, 8]) expect(result.stdout).toMatch(new RegExp(`misuse\\.ts\\(${line},\\d+\\): error TS`));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
