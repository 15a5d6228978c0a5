/**
 * Stack objects nothing reads: a struct or array local the program fills and never reads again
 * (`const s: Rs = { ... }` whose members are never used, `const a: FixedArray<u16, 8> = zero()`).
 * Its stores, zero-fills and copies into it are dead, as clang drops them: they cost instructions,
 * stack (the 512-byte frame) and, in loops, verifier states. An object whose address is taken as a
 * value (passed to a helper or a subprogram, kept in a register) may be read through that pointer,
 * so it is kept, as is one read by a load, an atomic operation or a copy out of it.
 */
import type { Address, Inst, IrFunction, StackObject } from "../ir/ir.js";
import { instObjects } from "../ir/ir.js";

/** The object an address names, when it is a stack object's. */
const objectOf = (a: Address): StackObject | undefined => (a.tag === "stack" ? a.object : undefined);

/** The object the instruction only writes (by address), or undefined. */
function writtenOnly(inst: Inst): StackObject | undefined {
  if (inst.op === "store" && inst.value.tag !== "stack") return objectOf(inst.addr);
  if (inst.op === "zero") return objectOf(inst.dst);
  if (inst.op === "copy" && inst.src.tag !== "stack") return objectOf(inst.dst);
  if (inst.op === "copy" && inst.src.tag === "stack" && inst.dst.tag === "stack" && inst.src.object !== inst.dst.object) return objectOf(inst.dst);
  return undefined;
}

export function removeDeadStackObjects(fn: IrFunction): boolean {
  const read = new Set<StackObject>();
  for (const block of fn.blocks) {
    for (const inst of [...block.insts, ...(block.term ? [block.term] : [])]) {
      const only = inst.op === "ret" || inst.op === "br" || inst.op === "cbr" ? undefined : writtenOnly(inst as Inst);
      for (const object of instObjects(inst)) if (object !== only) read.add(object);
    }
  }
  let changed = false;
  for (const block of fn.blocks) {
    const kept = block.insts.filter((inst) => {
      const object = writtenOnly(inst);
      return object === undefined || read.has(object);
    });
    if (kept.length !== block.insts.length) {
      block.insts = kept;
      changed = true;
    }
  }
  return changed;
}
