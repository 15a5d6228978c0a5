import { readdirSync } from "node:fs";

/** The process's open file descriptors right now. */
export function openFds(): number[] {
  return readdirSync("/proc/self/fd").map(Number).sort((a, b) => a - b);
}
