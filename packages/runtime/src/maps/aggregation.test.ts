// Which aggregation a map holds, read from its value struct's BTF name as the compiler writes it
// (packages/compiler/src/frontend/aggregation-field.ts); other structs are plain maps.
import type { Btf } from "@tsbpf/object";
import { describe, expect, it } from "vitest";
import { aggregationOf } from "./aggregation.js";

const struct = (name: string) => ({ kind: "struct" as const, name, size: 8, members: [] });
const btf: Btf = {
  types: [
    { kind: "int", name: "u64", size: 8, encoding: 0, offset: 0, bits: 64 },
    struct("tsbpf_count"), struct("tsbpf_stats"), struct("tsbpf_hist"), struct("tsbpf_lhist_1024_8192_512"),
    struct("tsbpf_lhist_x"), struct("tsbpf_counter"), struct("Stats"),
  ],
} as Btf;

describe("aggregationOf", () => {
  it("reads the kind, and a linear histogram's bounds", () => {
    expect(aggregationOf(btf, 2)).toEqual({ kind: "count" });
    expect(aggregationOf(btf, 3)).toEqual({ kind: "stats" });
    expect(aggregationOf(btf, 4)).toEqual({ kind: "hist" });
    expect(aggregationOf(btf, 5)).toEqual({ kind: "lhist", linear: { min: 1024n, max: 8192n, step: 512n } });
  });

  it("leaves every other value type a plain map", () => {
    for (const id of [0, 1, 6, 7, 8, 99]) expect(aggregationOf(btf, id)).toBeUndefined();
  });
});
