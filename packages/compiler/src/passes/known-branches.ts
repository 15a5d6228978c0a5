/**
 * Branches whose outcome a predecessor already knows, and definitions nobody reads on any path.
 *
 * `packetAt` (and any `x = cond ? p : null` shape) lowers to a merge: one path sets the result to
 * null, the other to a pointer known not to be null, and the code after the merge tests the result
 * against null at once. Each predecessor knows how that test goes, so its edge jumps straight to
 * the outcome (as clang's bounds check does); the null constant then has no reader left, which the
 * liveness-based removal below sees (the use-count one in dce.ts cannot: the register is still
 * read on the other path).
 */
import { instDef, instUses, isPure, type Block, type CmpOp, type Inst, type IrFunction, type IrKind, type Operand, type VReg } from "../ir/ir.js";
import { liveSets } from "../codegen/liveness.js";
import { kindBits } from "../checker/kinds.js";
import { comparedValue, evalCompare } from "./evaluate.js";

/** What a predecessor knows of a register at its end: a constant, or "not zero". */
type Known = { value: bigint } | "nonzero" | undefined;

function knownAtEnd(block: Block, r: VReg): Known {
  for (let i = block.insts.length - 1; i >= 0; i--) {
    const inst = block.insts[i]!;
    if (instDef(inst) !== r) continue;
    if (inst.op !== "mov") return undefined;
    // The register's bits: a move into a kind up to 32 bits is a 32-bit move, which zero-extends.
    if (inst.src.tag === "imm") return { value: BigInt.asUintN(r.kind !== "ptr" && kindBits(r.kind) <= 32 ? 32 : 64, inst.src.value) };
    if (inst.src.tag === "reg" && inst.src.reg.nonNull) return "nonzero";
    if (inst.src.tag === "stack" || inst.src.tag === "map") return "nonzero";
    return undefined;
  }
  return undefined;
}

/**
 * The outcome of `r cmp c` (or `c cmp r`) compared as `kind`, given what is known of r, if it is
 * decided. A constant decides any comparison with a constant, in the comparison's width (a 32-bit
 * test sees the low 32 bits): a loop's first test of its counter (`i < 26` after `i = 0`) goes
 * straight into the body. "Not zero" is known of a whole pointer, so it decides only a 64-bit
 * `==`/`!=` against 0.
 */
function decide(test: { cmp: CmpOp; kind: IrKind; regFirst: boolean; value: bigint }, known: Known): boolean | undefined {
  const { cmp, kind } = test;
  if (known === undefined) return undefined;
  if (known === "nonzero") {
    if ((cmp !== "eq" && cmp !== "ne") || test.value !== 0n || comparedValue(kind, 1n << 32n) === 0n) return undefined;
    return cmp === "ne";
  }
  return test.regFirst ? evalCompare(cmp, kind, known.value, test.value) : evalCompare(cmp, kind, test.value, known.value);
}

/** The register and constant of a `cbr r cmp c` (either side), if that is what the test is. */
function testedAgainstConstant(a: Operand, b: Operand): { reg: VReg; value: bigint; regFirst: boolean } | undefined {
  if (a.tag === "reg" && b.tag === "imm") return { reg: a.reg, value: b.value, regFirst: true };
  if (a.tag === "imm" && b.tag === "reg") return { reg: b.reg, value: a.value, regFirst: false };
  return undefined;
}

/** The register of a `cbr r ==/!= 0` (either side), if that is what the test is. */
function testedRegister(a: Operand, b: Operand): VReg | undefined {
  if (a.tag === "reg" && b.tag === "imm" && b.value === 0n) return a.reg;
  if (a.tag === "imm" && a.value === 0n && b.tag === "reg") return b.reg;
  return undefined;
}

/**
 * Retargets edges into a test block (`cbr r cmp c` after at most a few copies) whose outcome the
 * source block knows; the copies go along, in a block of their own on the new edge.
 */
export function threadKnownBranches(fn: IrFunction): boolean {
  let changed = false;
  for (const block of [...fn.blocks]) {
    const term = block.term;
    if (!term || term.op === "ret") continue;
    /** What the source block's own test says of `r` on the edge to its `then` (or `else`) target. */
    const knownOnEdge = (r: VReg, test: Extract<Inst | NonNullable<Block["term"]>, { op: "cbr" }>, onThen: boolean | undefined): Known => {
      if (onThen === undefined || term.op !== "cbr" || term.kind !== test.kind || (term.cmp !== "eq" && term.cmp !== "ne") || testedRegister(term.a, term.b) !== r) return undefined;
      const zero = (term.cmp === "eq") === onThen;
      return zero ? { value: 0n } : "nonzero";
    };
    const thread = (target: Block, onThen: boolean | undefined): Block => {
      const test = target.term;
      if (target === block || test?.op !== "cbr" || target.insts.length > 4 || !target.insts.every((i) => i.op === "mov")) return target;
      const against = testedAgainstConstant(test.a, test.b);
      if (!against || test.kind === "ptr" && against.value !== 0n) return target;
      let tested = against.reg;
      // Through the copies: the register the source block defines.
      for (let i = target.insts.length - 1; i >= 0; i--) {
        const copy = target.insts[i] as Extract<Inst, { op: "mov" }>;
        if (copy.dst !== tested) continue;
        if (copy.src.tag !== "reg") return target;
        tested = copy.src.reg;
      }
      // A second test of what the source block just tested (a null check after a counter's own
      // null check): decided by the edge. Older verifiers cannot decide it themselves for every
      // pointer (6.1 does not know a ring buffer reservation tested non-null stays non-null).
      const outcome = decide({ cmp: test.cmp, kind: test.kind, regFirst: against.regFirst, value: against.value },
        knownAtEnd(block, tested) ?? (against.value === 0n && (test.cmp === "eq" || test.cmp === "ne") ? knownOnEdge(tested, test, onThen) : undefined));
      if (outcome === undefined) return target;
      changed = true;
      const next = outcome ? test.then : test.else;
      if (target.insts.length === 0) return next;
      const copies: Block = { id: Math.max(...fn.blocks.map((b) => b.id)) + 1, insts: target.insts.map((i) => ({ ...i })), term: { op: "br", target: next, ...(test.loc ? { loc: test.loc } : {}) } };
      fn.blocks.push(copies);
      return copies;
    };
    if (term.op === "br") term.target = thread(term.target, undefined);
    else if (term.then === term.else) {
      term.then = term.else = thread(term.then, undefined);
    } else {
      term.then = thread(term.then, true);
      term.else = thread(term.else, false);
    }
    if (term.op === "cbr" && term.then === term.else) {
      block.term = { op: "br", target: term.then, ...(term.loc ? { loc: term.loc } : {}) };
      changed = true;
    }
  }
  return changed;
}

/** Drops pure instructions whose result is dead where they write it (no path reads it before a rewrite). */
export function removeDeadDefinitions(fn: IrFunction): boolean {
  const { liveOut } = liveSets(fn.blocks);
  let changed = false;
  for (const block of fn.blocks) {
    const live = new Set(liveOut.get(block));
    if (block.term) for (const r of instUses(block.term)) live.add(r);
    const kept: Inst[] = [];
    for (let i = block.insts.length - 1; i >= 0; i--) {
      const inst = block.insts[i]!;
      const def = instDef(inst);
      if (def && isPure(inst) && !live.has(def)) {
        changed = true;
        continue;
      }
      if (def) live.delete(def);
      for (const r of instUses(inst)) live.add(r);
      kept.push(inst);
    }
    if (kept.length !== block.insts.length) block.insts = kept.reverse();
  }
  return changed;
}
