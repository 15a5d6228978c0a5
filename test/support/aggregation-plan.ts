/**
 * The writes the aggregation tests cause (test/support/writer.c), chosen so that no two keys of
 * any sorted map tie: bpftrace orders ties by hash, so the printed order is then the same in both.
 */
import type { Writes } from "./writer.js";

export const plan: Writes[] = [
  { comm: "alpha", fd: 50, size: 0, times: 1 },
  { comm: "alpha", fd: 50, size: 1, times: 2 },
  { comm: "alpha", fd: 51, size: 100, times: 3 },
  { comm: "beta", fd: 52, size: 5000, times: 4 },
  { comm: "beta", fd: 51, size: 700, times: 6 },
  { comm: "gamma", fd: 53, size: 3000, times: 7 },
  { comm: "gamma", fd: 50, size: 1500, times: 2 },
];
