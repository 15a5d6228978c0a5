// bpftrace's bucket labels past what the kernel comparison (test/aggregations-bpftrace.test.ts)
// reaches: power-of-two bounds up to 2^64 with binary suffixes, linear bounds in K and M, and the
// bar scaled to the fullest bucket.
import { describe, expect, it } from "vitest";
import { bucketLabel, histogramLines, linearLabel, powerLabel } from "./print-histogram.js";

describe("histogram labels", () => {
  it("writes powers of two with K, M, G, T, P, E", () => {
    expect([0, 9, 10, 19, 20, 30, 40, 50, 60, 63, 64].map(powerLabel)).toEqual(["1", "512", "1K", "512K", "1M", "1G", "1T", "1P", "1E", "8E", "16E"]);
    expect(bucketLabel("hist", { min: 1n << 63n, max: (1n << 64n) - 1n, count: 1n })).toBe("[8E, 16E)");
    expect(bucketLabel("hist", { min: 0n, max: 0n, count: 1n })).toBe("[0]");
    expect(bucketLabel("hist", { min: 1n, max: 1n, count: 1n })).toBe("[1]");
  });

  it("writes linear bounds plainly, or in K and M when whole", () => {
    expect([0n, 150n, 1024n, 1536n, 1048576n, 2098176n, 3n << 20n].map(linearLabel)).toEqual(["0", "150", "1K", "1536", "1M", "2049K", "3M"]);
    expect(bucketLabel("lhist", { min: undefined, max: 9n, count: 1n })).toBe("(..., 10)");
    expect(bucketLabel("lhist", { min: 100n, max: undefined, count: 1n })).toBe("[100, ...)");
  });

  it("scales the bar to 52 columns for the fullest bucket", () => {
    const lines = histogramLines({ kind: "hist", total: 3n, buckets: [{ min: 2n, max: 3n, count: 1n }, { min: 4n, max: 7n, count: 2n }] });
    expect(lines).toEqual([
      `[2, 4)                 1 |${"@".repeat(26)}${" ".repeat(26)}|`,
      `[4, 8)                 2 |${"@".repeat(52)}|`,
    ]);
  });
});
