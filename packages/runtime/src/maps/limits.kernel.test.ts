// The compiler's map limits (compiler/src/checker/map-limits.ts, reported as TSBPF3016) against
// the kernel's own verdict: at each limit the kernel creates the map, one step past it refuses it
// (E2BIG), and the BTF of a map's max_entries (an array of N ints) loads up to the compiler's
// bound and is refused past it.
import { encodeBtf, MapType } from "@tsbpf/object";
import { expect, it } from "vitest";
import { MAX_BTF_MAX_ENTRIES, mapSizeProblem, SOCK_HASH } from "../../../compiler/src/checker/map-limits.js";
import { btfLoadRaw, mapCreateRaw } from "../sys/bpf.js";
import { Fd } from "../sys/fd.js";
import { describeKernel } from "../testing/kernel.js";

const cases: { what: string; type: number; key: number; atLimit: number; pastLimit: number; on: "key" | "value"; flags?: number; value?: number; errno?: number }[] = [
  { what: "LPM trie key, longest", type: MapType.LpmTrie, key: 8, atLimit: 260, pastLimit: 261, on: "key", flags: 1, errno: -22 },
  { what: "LPM trie key, shortest", type: MapType.LpmTrie, key: 8, atLimit: 5, pastLimit: 4, on: "key", flags: 1, errno: -22 },
  { what: "sockhash key", type: SOCK_HASH, key: 8, atLimit: 512, pastLimit: 513, on: "key", value: 4 },
  { what: "per-CPU array value", type: MapType.PerCpuArray, key: 4, atLimit: 32768, pastLimit: 32769, on: "value" },
  { what: "per-CPU hash value", type: MapType.PerCpuHash, key: 4, atLimit: 32768, pastLimit: 32769, on: "value" },
];

describeKernel("map limits: the compiler's bounds are the kernel's", () => {
  for (const c of cases) {
    it(c.what, () => {
      const attr = (size: number) => ({ type: c.type, keySize: c.on === "key" ? size : c.key, valueSize: c.on === "value" ? size : c.value ?? 8, maxEntries: 1, flags: c.flags ?? 0 });
      const created = (size: number) => {
        const fd = mapCreateRaw(attr(size));
        if (fd >= 0) new Fd(fd, "limit probe").close();
        return fd;
      };
      expect(created(c.atLimit)).toBeGreaterThanOrEqual(0);
      expect(mapSizeProblem(c.type, attr(c.atLimit).keySize, attr(c.atLimit).valueSize)).toBeUndefined();
      expect(created(c.pastLimit)).toBe(c.errno ?? -7); // -E2BIG unless said
      expect(mapSizeProblem(c.type, attr(c.pastLimit).keySize, attr(c.pastLimit).valueSize)?.what).toBe(c.on);
    });
  }

  it("hash keys past 512 bytes: created (5.11 lifted the stack-sized limit), so not reported", () => {
    const fd = mapCreateRaw({ type: MapType.Hash, keySize: 4096, valueSize: 8, maxEntries: 1 });
    expect(fd).toBeGreaterThanOrEqual(0);
    new Fd(fd, "limit probe").close();
    expect(mapSizeProblem(MapType.Hash, 4096, 8)).toBeUndefined();
  });

  it("max_entries in BTF: int (*)[N] loads up to the bound, not past it", () => {
    const blob = (n: number) => encodeBtf({ types: [
      { kind: "int", name: "int", size: 4, signed: true, char: false, bool: false, offset: 0, bits: 32 },
      { kind: "array", type: 1, indexType: 1, nelems: n },
      { kind: "ptr", type: 2 },
    ] });
    const at = btfLoadRaw(blob(MAX_BTF_MAX_ENTRIES));
    expect(at.result).toBeGreaterThanOrEqual(0);
    new Fd(at.result, "btf").close();
    expect(btfLoadRaw(blob(MAX_BTF_MAX_ENTRIES + 1)).result).toBe(-22); // -EINVAL: "Array size overflows U32_MAX"
  });
});
