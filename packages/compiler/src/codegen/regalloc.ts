/**
 * Register allocation by linear scan over live intervals. Virtual registers live in the
 * callee-saved r6–r9, which survive calls, or, when their interval spans no call, in r4 and r5
 * (which only carry a call's 4th and 5th arguments, so nothing else touches them); when more are
 * live at once, the interval that ends last is spilled to an 8-byte stack slot for its whole life.
 * r0–r3 stay free as scratch registers for instruction selection (and r1–r5 for call arguments).
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
/** Caller-saved registers free between calls. */
export const BETWEEN_CALLS = [4, 5] as const;

/**
 * `hints`: for a register defined by a copy or a two-address operation, the register it reads
 * first; when that one dies right there, the definition takes over its machine register, so that
 * `x = y + 1` needs no move.
 */
export function allocateRegisters(
  intervals: Interval[],
  hints: Map<VReg, VReg> = new Map(),
  calls: ReadonlyMap<number, readonly (VReg | undefined)[]> = new Map(),
  params: ReadonlyMap<VReg, number> = new Map(),
): Allocation {
  const homes = new Map<VReg, Home>();
  const freeRegs: number[] = [...BETWEEN_CALLS, ...ALLOCATABLE];
  const callPositions = [...calls.keys()];
  /**
   * A call at q clobbers r0–r5: an interval may use r4/r5 only if no call lies in (start, end), and
   * a call at its end reads it as exactly the argument that register carries (then it is already
   * there), or passes fewer arguments than reach that register (it is read before the call).
   */
  const allowed = (i: Interval, reg: number): boolean => {
    if (reg >= 6) return true;
    // Parameters arrive in r1–r5 together: one may stay in r4/r5 only if it arrived there.
    const param = params.get(i.reg);
    if (param !== undefined && reg !== param + 1) return false;
    for (const q of callPositions) {
      if (q <= i.start || q > i.end) continue;
      if (q < i.end) return false;
      const args = calls.get(q)!;
      // A call with fewer arguments does not write the register before reading the value from it.
      if (reg > args.length && args.includes(i.reg)) continue;
      if (args[reg - 1] !== i.reg || args.filter((a) => a === i.reg).length !== 1) return false;
    }
    return true;
  };
  /** The argument register an interval ending at a call is passed in, if it is r4 or r5. */
  const preferred = (i: Interval): number | undefined => {
    const args = calls.get(i.end);
    const index = args?.indexOf(i.reg) ?? -1;
    return index === 3 || index === 4 ? index + 1 : undefined;
  };
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
    const want = preferred(interval);
    if (want !== undefined && freeRegs.includes(want) && allowed(interval, want)) {
      freeRegs.splice(freeRegs.indexOf(want), 1);
      homes.set(interval.reg, { tag: "reg", reg: want });
      active.push(interval);
      continue;
    }
    const hinted = hints.get(interval.reg);
    const donor = hinted && active.find((a) => a.reg === hinted && a.end === interval.start);
    const donorHome = donor && homes.get(donor.reg);
    if (donor && donorHome?.tag === "reg" && allowed(interval, donorHome.reg)) {
      active.splice(active.indexOf(donor), 1);
      homes.set(interval.reg, donorHome);
      active.push(interval);
      continue;
    }
    freeRegs.sort((a, b) => a - b);
    const pick = freeRegs.findIndex((r) => allowed(interval, r));
    const reg = pick >= 0 ? freeRegs.splice(pick, 1)[0] : undefined;
    if (reg !== undefined) {
      homes.set(interval.reg, { tag: "reg", reg });
      active.push(interval);
      continue;
    }
    // Spill whichever ends last: the new interval or the longest active one it could take over.
    active.sort((a, b) => a.end - b.end);
    const candidates = active.filter((a) => {
      const h = homes.get(a.reg);
      return h?.tag === "reg" && allowed(interval, h.reg);
    });
    const longest = candidates[candidates.length - 1];
    if (longest && longest.end > interval.end) {
      const stolen = homes.get(longest.reg) as { tag: "reg"; reg: number };
      homes.set(longest.reg, { tag: "spill", slot: takeSlot(longest) });
      homes.set(interval.reg, stolen);
      active.splice(active.indexOf(longest), 1);
      active.push(interval);
    } else {
      homes.set(interval.reg, { tag: "spill", slot: takeSlot(interval) });
    }
  }
  return { homes, spillSlots: slots.length };
}
