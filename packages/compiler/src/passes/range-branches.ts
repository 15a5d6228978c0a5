/**
 * Tests that a register's kind already decides: `if (i >= 256)` of a `u8` index (the bounds check
 * of `counts[ip.protocol]` over a 256-element array) is never true, so the check and the path it
 * guards go, and the element's address is computed once. The IR keeps every register of a kind up
 * to 32 bits correctly extended with its upper bits zero (ir.ts), so an unsigned register of kind k
 * holds a value in [0, 2^bits(k) - 1] wherever it is read.
 */
import type { IrFunction, Operand } from "../ir/ir.js";
import { isSigned, kindBits } from "../checker/kinds.js";
import { comparedValue } from "./evaluate.js";
import type { CmpOp, IrKind } from "../ir/ir.js";

const SWAPPED: Record<CmpOp, CmpOp> = { eq: "eq", ne: "ne", lt: "gt", le: "ge", gt: "lt", ge: "le" };

/** The outcome of `r cmp c`, r in [0, max], c as the comparison reads it; undefined when open. */
function decide(cmp: CmpOp, max: bigint, c: bigint): boolean | undefined {
  switch (cmp) {
    case "eq": return c < 0n || c > max ? false : undefined;
    case "ne": return c < 0n || c > max ? true : undefined;
    case "lt": return c > max ? true : c <= 0n ? false : undefined;
    case "le": return c >= max ? true : c < 0n ? false : undefined;
    case "gt": return c >= max ? false : c < 0n ? true : undefined;
    case "ge": return c <= 0n ? true : c > max ? false : undefined;
  }
}

/** The largest value an unsigned register of `regKind` can hold, as a comparison in `kind` reads it. */
function maxAsCompared(regKind: IrKind, kind: IrKind): bigint | undefined {
  if (regKind === "ptr" || kind === "ptr" || isSigned(regKind)) return undefined;
  const bits = kindBits(regKind);
  if (bits > 32) return undefined;
  const width = kindBits(kind) === 64 ? 64 : 32;
  // A signed comparison as wide as the register could read its top bit as a sign.
  if (isSigned(kind) && bits >= width) return undefined;
  return (1n << BigInt(bits)) - 1n;
}

export function foldRangeBranches(fn: IrFunction): boolean {
  let changed = false;
  for (const block of fn.blocks) {
    const term = block.term;
    if (term?.op !== "cbr" || term.then === term.else) continue;
    let reg: Operand = term.a;
    let imm: Operand = term.b;
    let cmp = term.cmp;
    if (reg.tag === "imm" && imm.tag === "reg") {
      [reg, imm] = [imm, reg];
      cmp = SWAPPED[cmp];
    }
    if (reg.tag !== "reg" || imm.tag !== "imm") continue;
    const max = maxAsCompared(reg.reg.kind, term.kind);
    if (max === undefined) continue;
    const outcome = decide(cmp, max, comparedValue(term.kind, imm.value));
    if (outcome === undefined) continue;
    block.term = { op: "br", target: outcome ? term.then : term.else, ...(term.loc ? { loc: term.loc } : {}) };
    changed = true;
  }
  return changed;
}
