/**
 * The optimisation pipeline run on every function before code generation: folding and dead code
 * removal, reuse of
 * `.rodata` loads, conversion peepholes and copy propagation, to a fixed point.
 */
import type { IrFunction } from "../ir/ir.js";
import { constantFold } from "./const-fold.js";
import { mergeBlocks, removeDeadInstructions, removeUnreachable, threadJumps } from "./dce.js";
import { propagateCopies } from "./copy-prop.js";
import { reuseInvariantLoads } from "./invariant-loads.js";
import { peephole } from "./peephole.js";

export function optimize(fn: IrFunction): void {
  for (let round = 0; round < 10; round++) {
    let changed = constantFold(fn);
    changed = reuseInvariantLoads(fn) || changed;
    changed = peephole(fn) || changed;
    changed = propagateCopies(fn) || changed;
    changed = threadJumps(fn) || changed;
    changed = removeUnreachable(fn) || changed;
    changed = removeDeadInstructions(fn) || changed;
    changed = mergeBlocks(fn) || changed;
    if (!changed) return;
  }
}
