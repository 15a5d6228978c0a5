/**
 * Reads another process's memory through /proc/<pid>/mem (root, or ptrace access to it): what the
 * uprobe IFUNC resolution reads (links/ifunc.ts). A positional read, which the door's plain read
 * has no form of; undefined when the page is not mapped or access is refused.
 */
import { closeSync, openSync, readSync } from "node:fs";

export function readProcessMemory(pid: number, address: bigint, length: number): Uint8Array | undefined {
  let fd: number | undefined;
  try {
    fd = openSync(`/proc/${pid}/mem`, "r");
    const out = new Uint8Array(length);
    const n = readSync(fd, out, 0, length, address);
    return n === length ? out : undefined;
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
