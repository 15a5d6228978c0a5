/**
 * Reassociation of a pointer's offset: `p + (x + c)` where the inner sum cannot wrap becomes
 * `(p + c) + x`, so that `p + c`, often computed already (`data + 14`, the end of the Ethernet
 * header, before `packetAt(ctx, ETH_HLEN + ihl * 4)`), is reused by dominating-cse.ts instead of
 * computing `14 + ihl * 4` and adding it to `data` again.
 *
 * The outer addition is 64-bit, to a pointer (the inner sum is not one, so the rewrite cannot undo itself). A 64-bit inner sum reassociates as is (both
 * wrap at 2^64); a 32-bit one only when its interval (value-ranges.ts) shows it never wraps at 2^32,
 * read from a register of a kind up to 32 bits (whose upper half is zero, so its 64 bits are its
 * 32-bit value). The inner sum must have no other reader: the rewrite then keeps the count of
 * instructions, and only a reuse makes it smaller. The constant stays below 2^16, the most the
 * verifier lets a constant move a packet pointer.
 */
import { kindBits } from "../checker/kinds.js";
import { instDef, instUses, type Inst, type IrFunction, type Operand, type VReg } from "../ir/ir.js";
import { Ranges } from "./value-ranges.js";

const MAX_CONSTANT = 0xffffn;

export function reassociateOffsets(fn: IrFunction): boolean {
  const single = new Map<VReg, Inst | null>();
  const uses = new Map<VReg, number>();
  for (const block of fn.blocks) {
    for (const inst of [...block.insts, ...(block.term ? [block.term] : [])]) {
      for (const r of instUses(inst)) uses.set(r, (uses.get(r) ?? 0) + 1);
      const def = instDef(inst);
      if (def) single.set(def, single.has(def) ? null : (inst as Inst));
    }
  }
  let nextId = Math.max(-1, ...fn.regs.map((r) => r.id)) + 1;
  let ranges: Ranges | undefined;
  let changed = false;
  for (const block of fn.blocks) {
    const out: Inst[] = [];
    for (const inst of block.insts) {
      const split = inst.op === "bin" && inst.bop === "add" && kindBits(inst.kind) === 64 ? inner(inst) : undefined;
      if (!split || inst.op !== "bin") {
        out.push(inst);
        continue;
      }
      const { base, x, c } = split;
      const sum: VReg = { id: nextId++, kind: inst.dst.kind, ...(base.tag === "reg" && base.reg.nonNull ? { nonNull: true } : {}) };
      fn.regs.push(sum);
      const loc = inst.loc ? { loc: inst.loc } : {};
      out.push({ op: "bin", bop: "add", kind: inst.kind, dst: sum, a: base, b: { tag: "imm", value: c, kind: inst.kind }, ...loc });
      out.push({ ...inst, a: { tag: "reg", reg: sum }, b: x });
      changed = true;
    }
    block.insts = out;
  }
  return changed;

  /** `base + t` with t = `x + c` (a register read only here), as `base`, `x` and c (64-bit); or undefined. */
  function inner(add: Extract<Inst, { op: "bin" }>): { base: Operand; x: Operand; c: bigint } | undefined {
    for (const [base, t] of [[add.a, add.b], [add.b, add.a]] as const) {
      if (base.tag !== "reg" || base.reg.kind !== "ptr" || t.tag !== "reg" || uses.get(t.reg) !== 1) continue;
      const def = single.get(t.reg);
      if (def?.op !== "bin" || def.bop !== "add" || def.dst !== t.reg) continue;
      const [x, k] = def.b.tag === "imm" ? [def.a, def.b] : [def.b, def.a];
      if (k.tag !== "imm" || x.tag !== "reg" || x.reg.kind === "ptr" || (single.get(x.reg) ?? null) === null) continue;
      if (kindBits(def.kind) === 64) {
        if (t.reg.kind === "ptr" || kindBits(t.reg.kind) !== 64) continue;
        const c = BigInt.asUintN(64, k.value);
        if (c <= MAX_CONSTANT) return { base, x, c };
        continue;
      }
      // A 32-bit sum, read as the 64-bit value its register holds: its operand's 32 bits plus c, unwrapped.
      const xKind = x.reg.kind;
      if (kindBits(xKind) > 32 || t.reg.kind === "ptr" || kindBits(t.reg.kind) > 32) continue;
      const c = BigInt.asUintN(32, k.value);
      ranges ??= new Ranges(fn);
      const r = ranges.operand(x, "u32");
      if (c <= MAX_CONSTANT && r && r.hi + c <= 0xffffffffn) return { base, x, c };
    }
    return undefined;
  }
}
