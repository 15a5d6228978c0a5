// Which aggregation a map holds, read from its value struct's BTF name as the compiler writes it
// (packages/compiler/src/frontend/aggregation-field.ts); other structs are plain maps.
import type { Btf } from "@tsbpf/object";
import { describe, expect, it } from "vitest";
import { aggregationOf } from "./aggregation.js";

const struct = (name: string, members: { name: string; type: number }[] = []) =>
  ({ kind: "struct" as const, name, size: 8, members: members.map((m) => ({ ...m, bitOffset: 0, bitfieldSize: 0 })) });
const btf: Btf = {
  types: [
    { kind: "int", name: "u64", size: 8, signed: false, offset: 0, bits: 64 },
    struct("tsbpf_count"), struct("tsbpf_stats"), struct("tsbpf_hist"), struct("tsbpf_lhist_1024_8192_512"),
    struct("tsbpf_lhist_x"), struct("tsbpf_counter"), struct("Stats"),
    // 9: i64, 10: a typedef of it, 11-13: signed sum, min through the typedef, unsigned max; 14: signed hist
    { kind: "int", name: "i64", size: 8, signed: true, offset: 0, bits: 64 },
    { kind: "typedef", name: "s64", type: 9 },
    struct("tsbpf_sum", [{ name: "sum", type: 9 }]), struct("tsbpf_min", [{ name: "min", type: 10 }, { name: "seen", type: 1 }]),
    struct("tsbpf_max", [{ name: "max", type: 1 }, { name: "seen", type: 1 }]), struct("tsbpf_hist_signed"),
  ],
} as Btf;

describe("aggregationOf", () => {
  it("reads the kind, and a linear histogram's bounds", () => {
    expect(aggregationOf(btf, 2)).toEqual({ kind: "count", signed: false });
    expect(aggregationOf(btf, 3)).toEqual({ kind: "stats", signed: false });
    expect(aggregationOf(btf, 4)).toEqual({ kind: "hist", signed: false });
    expect(aggregationOf(btf, 5)).toEqual({ kind: "lhist", linear: { min: 1024n, max: 8192n, step: 512n } });
  });

  it("reads whether the values are signed from the members' BTF (through typedefs) or the signed histogram's name", () => {
    expect(aggregationOf(btf, 11)).toEqual({ kind: "sum", signed: true });
    expect(aggregationOf(btf, 12)).toEqual({ kind: "min", signed: true });
    expect(aggregationOf(btf, 13)).toEqual({ kind: "max", signed: false });
    expect(aggregationOf(btf, 14)).toEqual({ kind: "hist", signed: true });
  });

  it("leaves every other value type a plain map", () => {
    for (const id of [0, 1, 6, 7, 8, 99]) expect(aggregationOf(btf, id)).toBeUndefined();
  });
});
