/** CPU counts the kernel sizes per-CPU values and perf buffers by. */
import { readTextFile } from "./files.js";

let possible: number | undefined;

/** Parses a CPU list such as "0-3,5,7-8" into the number of CPU slots (highest index + 1), as the kernel counts them. */
export function parseCpuList(text: string): number {
  let max = -1;
  for (const part of text.trim().split(",")) {
    if (!part) continue;
    const [lo, hi] = part.split("-").map((n) => Number.parseInt(n, 10));
    max = Math.max(max, hi ?? lo ?? -1);
  }
  return max + 1;
}

/** The number of possible CPUs (/sys/devices/system/cpu/possible), which per-CPU maps are sized by. */
export function possibleCpus(): number {
  if (possible === undefined) {
    const text = readTextFile("/sys/devices/system/cpu/possible");
    possible = text ? parseCpuList(text) : 1;
  }
  return possible;
}
