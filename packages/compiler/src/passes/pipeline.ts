/**
 * The optimisation pipeline run on every function before code generation: folding and dead code
 * removal, reuse of
 * `.rodata` loads, of loads nothing could have changed and of expressions a dominating block computed,
 * pointer offsets reassociated to reuse them, conversion peepholes, copy propagation and branches a predecessor
 * or the tested register's kind decides,
 * branches whose arms are alike, stores into stack objects nothing reads, to a fixed point.
 */
import type { IrFunction } from "../ir/ir.js";
import { constantFold } from "./const-fold.js";
import { mergeBlocks, removeDeadInstructions, removeUnreachable, threadJumps } from "./dce.js";
import { propagateCopies } from "./copy-prop.js";
import { removeDeadDefinitions, threadKnownBranches } from "./known-branches.js";
import { reuseInvariantLoads } from "./invariant-loads.js";
import { reuseRedundantLoads } from "./redundant-loads.js";
import { peephole } from "./peephole.js";
import { reuseLocalExpressions } from "./local-cse.js";
import { reuseDominatingExpressions } from "./dominating-cse.js";
import { reassociateOffsets } from "./reassociate.js";
import { mergeSameArms } from "./same-arms.js";
import { removeDeadStackObjects } from "./dead-stack-objects.js";
import { foldRangeBranches } from "./range-branches.js";
import { foldByRanges } from "./value-ranges.js";

export function optimize(fn: IrFunction): void {
  for (let round = 0; round < 10; round++) {
    let changed = constantFold(fn);
    changed = foldByRanges(fn) || changed;
    changed = reuseInvariantLoads(fn) || changed;
    changed = reuseRedundantLoads(fn) || changed;
    changed = peephole(fn) || changed;
    changed = reuseLocalExpressions(fn) || changed;
    changed = reassociateOffsets(fn) || changed;
    changed = reuseDominatingExpressions(fn) || changed;
    changed = propagateCopies(fn) || changed;
    changed = threadJumps(fn) || changed;
    changed = threadKnownBranches(fn) || changed;
    changed = foldRangeBranches(fn) || changed;
    changed = mergeSameArms(fn) || changed;
    changed = removeUnreachable(fn) || changed;
    changed = removeDeadInstructions(fn) || changed;
    changed = removeDeadDefinitions(fn) || changed;
    changed = removeDeadStackObjects(fn) || changed;
    changed = mergeBlocks(fn) || changed;
    if (!changed) return;
  }
}
