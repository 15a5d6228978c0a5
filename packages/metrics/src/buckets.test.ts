// Kernel histograms to cumulative `le` buckets, against buckets counted from the values directly.
import { describe, expect, it } from "vitest";
import type { Histogram } from "@tsbpf/runtime";
import { cumulative } from "./buckets.js";

describe("cumulative", () => {
  it("log2: every bound 2^k - 1 up to the highest slot, each counting the values <= it", () => {
    // Slots as AggregationHandle gives them: 1 in [1,1], 3 values in [4,7], 2 in [64,127].
    const histogram: Histogram = { kind: "hist", total: 6n, buckets: [
      { min: 1n, max: 1n, count: 1n }, { min: 2n, max: 3n, count: 0n }, { min: 4n, max: 7n, count: 3n },
      { min: 8n, max: 15n, count: 0n }, { min: 16n, max: 31n, count: 0n }, { min: 32n, max: 63n, count: 0n }, { min: 64n, max: 127n, count: 2n },
    ] };
    const values = [1, 5, 6, 7, 100, 127];
    const out = cumulative(histogram);
    expect(out.count).toBe(6n);
    expect(out.buckets.map((b) => b.le)).toEqual([0n, 1n, 3n, 7n, 15n, 31n, 63n, 127n]);
    for (const b of out.buckets) expect(b.count).toBe(BigInt(values.filter((v) => v <= Number(b.le)).length));
  });

  it("linear: the slot below min, every inner bound, and values from max on only in the total", () => {
    const linear = { min: 100n, max: 400n, step: 100n };
    const values = [5, 150, 150, 399, 400, 1000];
    const histogram: Histogram = { kind: "lhist", total: 6n, step: 100n, buckets: [
      { min: undefined, max: 99n, count: 1n }, { min: 100n, max: 199n, count: 2n }, { min: 200n, max: 299n, count: 0n },
      { min: 300n, max: 399n, count: 1n }, { min: 400n, max: undefined, count: 2n },
    ] };
    const out = cumulative(histogram, linear);
    expect(out.buckets.map((b) => b.le)).toEqual([99n, 199n, 299n, 399n]);
    for (const b of out.buckets) expect(b.count).toBe(BigInt(values.filter((v) => v <= Number(b.le)).length));
    expect(out.count).toBe(BigInt(values.length));
  });

  it("linear from 0: no slot below it", () => {
    const histogram: Histogram = { kind: "lhist", total: 1n, step: 10n, buckets: [{ min: 10n, max: 19n, count: 1n }] };
    expect(cumulative(histogram, { min: 0n, max: 30n, step: 10n }).buckets).toEqual([{ le: 9n, count: 0n }, { le: 19n, count: 1n }, { le: 29n, count: 1n }]);
  });
});
