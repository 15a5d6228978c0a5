/**
 * The stack frame: spill slots next to r10, then the function's stack objects, each at its
 * alignment, all within the 512 bytes the verifier allows.
 */
import { alignUp } from "../checker/layout.js";
import type { StackObject } from "../ir/ir.js";
import { placeObjects } from "./stack-sharing.js";

export const MAX_STACK = 512;

export interface Frame {
  /** r10-relative offset (negative) of each object's first byte. */
  objectOffset: Map<StackObject, number>;
  /** r10-relative offset of a spill slot. */
  spillOffset(slot: number): number;
  /** Bytes used. */
  size: number;
}

/**
 * With `conflicts` (stack-sharing.ts), objects that never live at once share bytes; without, each
 * has its own.
 */
export function layoutFrame(objects: readonly StackObject[], spillSlots: number, conflicts?: Map<StackObject, Set<StackObject>>): Frame {
  if (conflicts) {
    const { depth, size } = placeObjects(objects, conflicts, spillSlots * 8);
    return { objectOffset: new Map([...depth].map(([o, d]) => [o, -d])), spillOffset: (slot) => -(slot + 1) * 8, size };
  }
  let cursor = spillSlots * 8;
  const objectOffset = new Map<StackObject, number>();
  for (const object of objects) {
    cursor = alignUp(cursor + object.size, Math.max(object.align, 1));
    objectOffset.set(object, -cursor);
  }
  return { objectOffset, spillOffset: (slot) => -(slot + 1) * 8, size: cursor };
}
