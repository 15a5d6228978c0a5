/**
 * Block layout: reverse postorder, so that on the acyclic control flow of the current subset
 * every jump goes forward and each branch's body follows its test.
 */
import { successors, type Block, type IrFunction } from "../ir/ir.js";

export function layoutBlocks(fn: IrFunction): Block[] {
  const visited = new Set<Block>();
  const post: Block[] = [];
  const visit = (block: Block): void => {
    visited.add(block);
    // Visit the false side first so that the true side comes right after the test in the layout.
    for (const next of [...successors(block)].reverse()) if (!visited.has(next)) visit(next);
    post.push(block);
  };
  visit(fn.blocks[0]!);
  return post.reverse();
}
