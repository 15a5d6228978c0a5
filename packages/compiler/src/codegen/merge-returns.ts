/**
 * Before block layout: blocks that end by returning the same constant share one `ret` (clang's
 * common exit block), and blocks that only jump on are jumped over. `if (filter) return 0; ...;
 * return 0` then has one `w0 = 0; exit` instead of one per return: fewer instructions, fewer JIT
 * bytes, the same paths for the verifier.
 */
import { type Block, type IrFunction, type Terminator } from "../ir/ir.js";

export function mergeReturns(fn: IrFunction): void {
  const groups = new Map<string, Block[]>();
  for (const block of fn.blocks) {
    const term = block.term;
    if (term?.op !== "ret" || term.value.tag !== "imm") continue;
    const key = `${term.value.kind}:${term.value.value}`;
    groups.set(key, [...(groups.get(key) ?? []), block]);
  }
  for (const blocks of groups.values()) {
    if (blocks.length < 2) continue;
    let shared = blocks.find((b) => b.insts.length === 0 && b !== fn.blocks[0]);
    if (!shared) {
      // None is a bare return: a new one takes the returns over.
      shared = { id: Math.max(...fn.blocks.map((b) => b.id)) + 1, insts: [], term: { ...blocks[0]!.term! } };
      fn.blocks.push(shared);
    }
    for (const block of blocks) {
      if (block !== shared) block.term = { op: "br", target: shared, ...(block.term!.loc ? { loc: block.term!.loc } : {}) } as Terminator;
    }
  }
  // A predecessor of an empty block that only jumps on jumps straight to where it goes.
  const forward = (b: Block): Block => {
    for (let hops = 0; hops < 8 && b.insts.length === 0 && b.term?.op === "br" && b.term.target !== b; hops++) b = b.term.target;
    return b;
  };
  for (const block of fn.blocks) {
    const term = block.term;
    if (term?.op === "br") term.target = forward(term.target);
    else if (term?.op === "cbr") {
      term.then = forward(term.then);
      term.else = forward(term.else);
    }
  }
}
