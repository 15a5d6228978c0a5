/**
 * The stack frame: spill slots next to r10, then the function's stack objects, each at its
 * alignment, all within the 512 bytes the verifier allows.
 */
import { alignUp } from "../checker/layout.js";
import type { StackObject } from "../ir/ir.js";

export const MAX_STACK = 512;

export interface Frame {
  /** r10-relative offset (negative) of each object's first byte. */
  objectOffset: Map<StackObject, number>;
  /** r10-relative offset of a spill slot. */
  spillOffset(slot: number): number;
  /** Bytes used. */
  size: number;
}

export function layoutFrame(objects: readonly StackObject[], spillSlots: number): Frame {
  let cursor = spillSlots * 8;
  const objectOffset = new Map<StackObject, number>();
  for (const object of objects) {
    cursor = alignUp(cursor + object.size, Math.max(object.align, 1));
    objectOffset.set(object, -cursor);
  }
  return { objectOffset, spillOffset: (slot) => -(slot + 1) * 8, size: cursor };
}
