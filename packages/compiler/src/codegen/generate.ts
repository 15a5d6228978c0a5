/**
 * Code generation for one IR function: block layout, liveness, register allocation, frame layout
 * (with the 512-byte limit), instruction selection and branch fixups.
 */
import { instObjects, type Block, type IrFunction, type StackObject, type VReg } from "../ir/ir.js";
import { layoutFrame, MAX_STACK } from "./frame.js";
import { stackInterference } from "./stack-sharing.js";
import { blockPositions, liveIntervals } from "./liveness.js";
import { layoutBlocks } from "./order.js";
import { allocateRegisters } from "./regalloc.js";
import { selectInstructions, type MachineCode } from "./select.js";
import { forwardCopies } from "./forward-copies.js";
import { mergeReturns } from "./merge-returns.js";
import { removeRedundantStackStores } from "./redundant-stack-stores.js";
import { removeDecidedBranches } from "./decided-branches.js";
import { removeJumpsToNext } from "./jumps-to-next.js";

export type GenerateResult =
  | { ok: true; code: MachineCode; stackSize: number }
  | { ok: false; reason: "stack"; stackSize: number; objects: readonly StackObject[]; spillBytes: number };

export function generate(fn: IrFunction): GenerateResult {
  mergeReturns(fn);
  const order = layoutBlocks(fn);
  const intervals = liveIntervals(order);
  const params = new Map(fn.blocks.flatMap((b) => b.insts).flatMap((i) => (i.op === "param" ? [[i.dst, i.index] as const] : [])));
  const alloc = allocateRegisters(intervals, coalescingHints(order), callPositions(order), params);
  const referenced = usedObjects(fn);
  const used = fn.stack.filter((object) => referenced.has(object));
  const frame = layoutFrame(used, alloc.spillSlots, stackInterference(order, used));
  if (frame.size > MAX_STACK) {
    return { ok: false, reason: "stack", stackSize: frame.size, objects: used, spillBytes: alloc.spillSlots * 8 };
  }
  // Copies forwarded, then tests already decided and stores of what a slot holds dropped, which
  // frees registers for another round of forwarding (a key kept in its slot need not live on).
  // Jumps to the next instruction (an arm those removed emptied) go last, and each removal may
  // make another round of forwarding possible (a jump no longer splits the straight-line code).
  const selected = forwardCopies(selectInstructions(fn, order, alloc, frame));
  let code = removeJumpsToNext(forwardCopies(removeRedundantStackStores(removeDecidedBranches(selected))));
  for (let round = 0; round < 4; round++) {
    const next = removeJumpsToNext(forwardCopies(code));
    if (next.insns.length === code.insns.length) break;
    code = next;
  }
  return { ok: true, code, stackSize: frame.size };
}

/** The first register each copy, conversion or two-address operation reads (see allocateRegisters). */
function coalescingHints(order: Block[]): Map<VReg, VReg> {
  const hints = new Map<VReg, VReg>();
  for (const block of order) {
    for (const inst of block.insts) {
      if ((inst.op === "mov" || inst.op === "conv") && inst.src.tag === "reg") hints.set(inst.dst, inst.src.reg);
      else if ((inst.op === "bin" || inst.op === "un") && inst.a.tag === "reg") hints.set(inst.dst, inst.a.reg);
      else if (inst.op === "load" && inst.addr.tag === "reg") hints.set(inst.dst, inst.addr.base);
    }
  }
  return hints;
}

/** The instructions that clobber r0–r5, by position (as liveness numbers them), with the registers they pass. */
function callPositions(order: Block[]): Map<number, (VReg | undefined)[]> {
  const positions = blockPositions(order);
  const out = new Map<number, (VReg | undefined)[]>();
  for (const block of order) {
    const start = positions.get(block)!.start;
    block.insts.forEach((inst, j) => {
      if (inst.op === "call" || inst.op === "callsub") out.set(start + j, inst.args.map((a) => (a.tag === "reg" ? a.reg : undefined)));
    });
  }
  return out;
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
