/**
 * Register allocation by linear scan over live intervals. Virtual registers live in the
 * callee-saved r6–r9, which survive helper calls; when more are live at once, the interval that
 * ends last is spilled to an 8-byte stack slot for its whole life. r0–r5 stay free as scratch
 * registers for instruction selection (and r1–r5 for helper arguments).
 *
 * Issue 3 refines this: caller-saved registers for intervals that cross no call, interval splitting.
 */
import type { VReg } from "../ir/ir.js";
import type { Interval } from "./liveness.js";

export type Home = { tag: "reg"; reg: number } | { tag: "spill"; slot: number };

export interface Allocation {
  homes: Map<VReg, Home>;
  /** Number of 8-byte spill slots used (slots are shared by intervals that do not overlap). */
  spillSlots: number;
}

export const ALLOCATABLE = [6, 7, 8, 9] as const;

export function allocateRegisters(intervals: Interval[]): Allocation {
  const homes = new Map<VReg, Home>();
  const freeRegs: number[] = [...ALLOCATABLE];
  const active: Interval[] = [];
  // Intervals assigned to each spill slot: a slot is shared only by intervals that never overlap.
  const slots: Interval[][] = [];
  const takeSlot = (interval: Interval): number => {
    const overlaps = (other: Interval) => other.start <= interval.end && interval.start <= other.end;
    let slot = slots.findIndex((list) => !list.some(overlaps));
    if (slot < 0) {
      slot = slots.length;
      slots.push([]);
    }
    slots[slot]!.push(interval);
    return slot;
  };

  for (const interval of intervals) {
    // Expire intervals that ended before this one starts.
    for (let i = active.length - 1; i >= 0; i--) {
      const done = active[i]!;
      if (done.end < interval.start) {
        active.splice(i, 1);
        const home = homes.get(done.reg);
        if (home?.tag === "reg") freeRegs.push(home.reg);
      }
    }
    freeRegs.sort((a, b) => a - b);
    const reg = freeRegs.shift();
    if (reg !== undefined) {
      homes.set(interval.reg, { tag: "reg", reg });
      active.push(interval);
      continue;
    }
    // Spill whichever ends last: the new interval or the longest active one.
    active.sort((a, b) => a.end - b.end);
    const longest = active[active.length - 1]!;
    if (longest.end > interval.end) {
      const stolen = homes.get(longest.reg) as { tag: "reg"; reg: number };
      homes.set(longest.reg, { tag: "spill", slot: takeSlot(longest) });
      homes.set(interval.reg, stolen);
      active.pop();
      active.push(interval);
    } else {
      homes.set(interval.reg, { tag: "spill", slot: takeSlot(interval) });
    }
  }
  return { homes, spillSlots: slots.length };
}
