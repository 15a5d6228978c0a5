/**
 * Code generation for one IR function: block layout, liveness, register allocation, frame layout
 * (with the 512-byte limit), instruction selection and branch fixups.
 */
import { instObjects, type IrFunction, type StackObject } from "../ir/ir.js";
import { layoutFrame, MAX_STACK } from "./frame.js";
import { liveIntervals } from "./liveness.js";
import { layoutBlocks } from "./order.js";
import { allocateRegisters } from "./regalloc.js";
import { selectInstructions, type MachineCode } from "./select.js";

export type GenerateResult =
  | { ok: true; code: MachineCode; stackSize: number }
  | { ok: false; reason: "stack"; stackSize: number; objects: readonly StackObject[]; spillBytes: number };

export function generate(fn: IrFunction): GenerateResult {
  const order = layoutBlocks(fn);
  const intervals = liveIntervals(order);
  const alloc = allocateRegisters(intervals);
  const referenced = usedObjects(fn);
  const used = fn.stack.filter((object) => referenced.has(object));
  const frame = layoutFrame(used, alloc.spillSlots);
  if (frame.size > MAX_STACK) {
    return { ok: false, reason: "stack", stackSize: frame.size, objects: used, spillBytes: alloc.spillSlots * 8 };
  }
  return { ok: true, code: selectInstructions(fn, order, alloc, frame), stackSize: frame.size };
}

/** Stack objects that dead-code removal left unreferenced take no space. */
function usedObjects(fn: IrFunction): Set<StackObject> {
  const used = new Set<StackObject>();
  for (const block of fn.blocks) {
    for (const inst of block.insts) for (const object of instObjects(inst)) used.add(object);
    if (block.term) for (const object of instObjects(block.term)) used.add(object);
  }
  return used;
}
