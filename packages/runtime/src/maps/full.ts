/**
 * E2BIG from a map update means "no room": a hash map with every entry taken, a queue or stack
 * at its capacity, an array index past the end. The kernel says only "argument list too long";
 * these say which map, why, and what to do.
 */
import { BpfError, MapError } from "../errors.js";
import { Errno } from "../sys/errno.js";
import type { BpfMap } from "./map.js";

/** Runs an update; a full map's E2BIG becomes a MapError naming the map and the remedy. */
export function updating<T>(map: BpfMap, remedy: string, update: () => T): T {
  try {
    return update();
  } catch (error) {
    if (error instanceof BpfError && error.errno === Errno.E2BIG && !(error instanceof MapError)) {
      throw new MapError(`is full (E2BIG): all ${map.maxEntries} entries (maxEntries) are in use; ${remedy}`, {
        map: map.name,
        errno: error.errno,
        syscall: error.syscall,
        cause: error,
      });
    }
    throw error;
  }
}

/** An array index the kernel would refuse with E2BIG (update) or ENOENT (lookup), refused here first. */
export function checkIndex(map: BpfMap, index: unknown): void {
  if (typeof index === "number" && Number.isInteger(index) && index >= 0 && index < map.maxEntries) return;
  throw new MapError(`index ${String(index)} is outside the array: it has ${map.maxEntries} elements (maxEntries), indices 0 to ${map.maxEntries - 1}; raise maxEntries in the map's definition for more`, {
    map: map.name,
    errno: Errno.E2BIG,
  });
}
