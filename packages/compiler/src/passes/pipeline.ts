/**
 * The optimisation pipeline run on every function before code generation: folding and dead code
 * removal to a fixed point. Issue 3 adds its passes here.
 */
import type { IrFunction } from "../ir/ir.js";
import { constantFold } from "./const-fold.js";
import { mergeBlocks, removeDeadInstructions, removeUnreachable, threadJumps } from "./dce.js";

export function optimize(fn: IrFunction): void {
  for (let round = 0; round < 10; round++) {
    let changed = constantFold(fn);
    changed = threadJumps(fn) || changed;
    changed = removeUnreachable(fn) || changed;
    changed = removeDeadInstructions(fn) || changed;
    changed = mergeBlocks(fn) || changed;
    if (!changed) return;
  }
}
