import { describe, expect, it } from "vitest";
import { formatLog2Histogram, isLog2Histogram, log2Buckets } from "./histogram.js";

describe("log2 histograms", () => {
  const entries: [number, bigint][] = [[0, 0n], [1, 4n], [2, 0n], [3, 8n], [4, 0n], [5, 0n]];

  it("is recognised by name and shape", () => {
    expect(isLog2Histogram("hist", entries)).toBe(true);
    expect(isLog2Histogram("latencyHist", entries)).toBe(true);
    expect(isLog2Histogram("counts", entries)).toBe(false);
    expect(isLog2Histogram("hist", [[{ a: 1 }, 1n]])).toBe(false);
  });

  it("keeps the slots from the first to the last non-empty one, with their ranges", () => {
    expect(log2Buckets(entries)).toEqual([
      { low: 2n, high: 3n, count: 4n },
      { low: 4n, high: 7n, count: 0n },
      { low: 8n, high: 15n, count: 8n },
    ]);
    expect(log2Buckets([[0, 3n]])).toEqual([{ low: 0n, high: 1n, count: 3n }]);
  });

  it("draws bars scaled to the largest count", () => {
    const lines = formatLog2Histogram("hist", log2Buckets(entries), "usecs");
    expect(lines[0]).toBe("hist:");
    expect(lines[2]).toMatch(/^\s+2 -> 3\s+: 4\s+\|\*{20}\s{20}\|$/);
    expect(lines[4]).toMatch(/^\s+8 -> 15\s+: 8\s+\|\*{40}\|$/);
    expect(formatLog2Histogram("hist", [])).toEqual(["hist: (empty)"]);
  });
});
