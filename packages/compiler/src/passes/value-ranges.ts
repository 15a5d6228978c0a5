/**
 * Folding by value ranges and algebraic identities, as clang's instcombine and correlated value
 * propagation do on the same programs (issue 9, item 3). Each register gets an interval its value
 * always lies in, from every instruction that defines it: a conversion from a narrower kind
 * (`i32(u8(x))` is in 0..255), a mask (`x & 7`), a remainder (`x % 8` is below 8 and, BPF's x % 0
 * being x, never above x), a division (x / y never above x, x / 0 = 0), an unsigned shift right.
 * Then:
 * - a comparison or branch the intervals decide becomes its constant or a jump
 *   (`u8(x) < 256`, `x % 8 <= 7`, `(x & 3) !== 4`); a branch the compiler added for the verifier
 *   (an index's bounds check) only on intervals the verifier knows too;
 * - an operation whose result is its operand for every value in the interval becomes a copy
 *   (`(x & 0xff) & 0xff`, `u8(v)` of a v known in 0..255, `x % 16` of an x known below 16);
 * - identities with a constant under BPF's rules: `x / 0` is 0, `x % 0` is x, `x % 1` is 0,
 *   `x / 1`, `x * 1` and `x & ~0` are x, `x | ~0` is ~0.
 *
 * The IR is not SSA: a register's interval is the union over all its definitions, and a
 * definition that (through others) depends on itself gives the kind's whole range. The value
 * invariant of ir.ts (a register of a kind holds a value of that kind, extended to 32 bits for
 * kinds up to 32 bits) is what makes a kind's range an interval to start from.
 */
import { isSigned, kindBits, wrapToKind, type IntKind } from "../checker/kinds.js";
import { imm, instDef, type BinOp, type CmpOp, type Inst, type IrFunction, type IrKind, type Operand, type VReg } from "../ir/ir.js";
import { comparedValue } from "./evaluate.js";

/** A closed interval of mathematical values. */
interface Range { lo: bigint; hi: bigint }

function kindRange(kind: IntKind): Range {
  const bits = BigInt(kindBits(kind));
  return isSigned(kind) ? { lo: -(1n << (bits - 1n)), hi: (1n << (bits - 1n)) - 1n } : { lo: 0n, hi: (1n << bits) - 1n };
}

const within = (r: Range, outer: Range) => r.lo >= outer.lo && r.hi <= outer.hi;
const union = (a: Range, b: Range): Range => ({ lo: a.lo < b.lo ? a.lo : b.lo, hi: a.hi > b.hi ? a.hi : b.hi });
const min = (a: bigint, b: bigint) => (a < b ? a : b);
const max = (a: bigint, b: bigint) => (a > b ? a : b);

/** The 64 bits a register of `kind` holding `v` contains (kinds up to 32 bits: extended to 32, upper half zero). */
function raw(v: bigint, kind: IrKind): bigint {
  return kind === "ptr" || kindBits(kind) === 64 ? BigInt.asUintN(64, v) : BigInt.asUintN(32, v);
}

/**
 * The interval of a register's values (in its kind) as `read` sees its bits; when the reading
 * wraps inside the interval (its two ends move apart by another amount than the values), undefined.
 */
function mapRange(r: Range, kind: IrKind, read: (bits: bigint) => bigint): Range | undefined {
  const lo = read(raw(r.lo, kind));
  const hi = read(raw(r.hi, kind));
  return hi - lo === r.hi - r.lo ? { lo, hi } : undefined;
}

/** Values 0 ≤ v < 2^31 have the same bits in a register of every kind: a copy between kinds keeps them. */
const SAME_BITS: Range = { lo: 0n, hi: (1n << 31n) - 1n };

/**
 * Intervals of registers. With `verifier`, only what the kernel's verifier also knows at the
 * instruction the register's value reaches: a remainder or a quotient is unknown to it (6.18 does
 * not track BPF_MOD and BPF_DIV), and so is a 32-bit value it did not see produced (a parameter, a
 * call's result). A branch is decided only on these: it may be an index's bounds check, which the
 * verifier must then be able to do without (a remainder proved below the array's length by this
 * pass is not proved for it: "math between fp pointer and register with unbounded min value").
 */
export class Ranges {
  private readonly defs = new Map<VReg, Inst[]>();
  private readonly memo = new Map<VReg, Range | null | "unknown">(); // null: being computed (a cycle)

  constructor(fn: IrFunction, private readonly verifier = false) {
    for (const block of fn.blocks) {
      for (const inst of block.insts) {
        const def = instDef(inst);
        if (def) (this.defs.get(def) ?? this.defs.set(def, []).get(def)!).push(inst);
      }
    }
    // In program order, so that an operand's interval is mostly known before its reader's: the
    // recursion stays shallow on long chains of temporaries (a 10,000-statement method).
    for (const block of fn.blocks) for (const inst of block.insts) {
      const def = instDef(inst);
      if (def) this.of(def);
    }
  }

  /** Anything of the kind: its whole range, or for the verifier (which may know less) nothing below 64 bits. */
  private unknown(kind: IntKind): Range | undefined {
    return this.verifier && kindBits(kind) < 64 ? undefined : kindRange(kind);
  }

  /** The interval of a register's value in its own kind (undefined for pointers, or when unknown). */
  of(r: VReg): Range | undefined {
    if (r.kind === "ptr") return undefined;
    const full = kindRange(r.kind);
    const known = this.memo.get(r);
    if (known === null) return this.unknown(r.kind); // depends on itself: anything
    if (known === "unknown") return undefined;
    if (known) return known;
    this.memo.set(r, null);
    const defs = this.defs.get(r) ?? [];
    let out: Range | undefined = defs.length ? undefined : this.unknown(r.kind);
    for (const [i, inst] of defs.entries()) {
      const one = this.defined(inst, r.kind);
      if (!one) { out = undefined; break; }
      out = i === 0 ? one : out && union(out, one);
    }
    const result = out && within(out, full) ? out : this.unknown(r.kind);
    this.memo.set(r, result ?? "unknown");
    return result;
  }

  /** An operand's interval as an operation of `kind` reads it. */
  operand(o: Operand, kind: IntKind): Range | undefined {
    if (o.tag === "imm") {
      if (o.kind === "ptr") return undefined;
      const v = wrapToKind(o.value, kind);
      return { lo: v, hi: v };
    }
    if (o.tag !== "reg") return undefined;
    const r = this.of(o.reg);
    return r && mapRange(r, o.reg.kind, (bits) => wrapToKind(bits, kind));
  }

  /** An operand's interval as a comparison of `kind` sees it (evaluate.ts's comparedValue). */
  compared(o: Operand, kind: IrKind): Range | undefined {
    if (o.tag === "imm") {
      const v = comparedValue(kind, o.value);
      return { lo: v, hi: v };
    }
    if (o.tag !== "reg" || kind === "ptr") return undefined;
    const r = this.of(o.reg);
    return r && mapRange(r, o.reg.kind, (bits) => comparedValue(kind, bits));
  }

  /** The interval one definition gives its register (of kind `kind`). */
  private defined(inst: Inst, kind: IntKind): Range | undefined {
    const full = kindRange(kind);
    const fit = (r: Range | undefined): Range | undefined => (r && within(r, full) ? r : this.unknown(kind));
    switch (inst.op) {
      case "mov": {
        if (inst.src.tag === "imm") {
          // The move materialises the immediate in the register's kind (const-fold.ts's heldBy).
          const bits = kindBits(kind) === 64 ? 64 : 32;
          const v = isSigned(kind) ? BigInt.asIntN(bits, inst.src.value) : BigInt.asUintN(bits, inst.src.value);
          return fit({ lo: v, hi: v });
        }
        if (inst.src.tag !== "reg") return this.unknown(kind);
        const r = this.of(inst.src.reg);
        return fit(r && mapRange(r, inst.src.reg.kind, (bits) => wrapToKind(bits, kind)));
      }
      case "conv": {
        if (inst.to === "bool") return fit({ lo: 0n, hi: 1n });
        const src = this.operand(inst.src, inst.from);
        if (src && within(src, kindRange(inst.to))) return fit(src);
        // A narrowing conversion is instructions (a mask, a shift pair, a 32-bit move) whose
        // result the verifier bounds; a widening one may be a plain copy.
        return !this.verifier || kindBits(inst.to) < kindBits(inst.from) ? fit(kindRange(inst.to)) : this.unknown(kind);
      }
      case "cmp": return fit({ lo: 0n, hi: 1n });
      case "load": {
        const k = inst.kind;
        return k !== "ptr" && within(kindRange(k), full) ? kindRange(k) : this.unknown(kind);
      }
      case "bin": {
        if (this.verifier && (inst.bop === "div" || inst.bop === "mod")) return this.unknown(kind);
        const a = this.operand(inst.a, inst.kind);
        const b = this.operand(inst.b, inst.kind);
        if (this.verifier && a && b && !verifierTracks(inst.bop, a, b)) return this.unknown(kind);
        return fit(a && b ? binary(inst.bop, inst.kind, a, b) : undefined);
      }
      default: return this.unknown(kind);
    }
  }
}

/** The interval of `a op b` computed in `kind` (wrapping at its width), or undefined when unknown. */
/**
 * Whether every kernel tsbpf supports bounds the result of `a op b` (the verifier's
 * adjust_scalar_min_max_vals): with a source it does not know to be one constant, 6.1 tracks only
 * add, sub and and (later kernels or, xor and mul too), and no kernel bounds a shift by a variable
 * amount (the fuzzer's seed 50001740: `(x >>> (y & 31)) >> 15` as an index, its mask dropped,
 * read the stack at a variable offset); a product only while both factors fit in 32 bits.
 */
function verifierTracks(op: BinOp, a: Range, b: Range): boolean {
  const constant = b.lo === b.hi;
  if (!constant && op !== "add" && op !== "sub" && op !== "and") return false;
  if (op === "mul") return a.lo >= 0n && b.lo >= 0n && a.hi < 1n << 32n && b.hi < 1n << 32n;
  return true;
}

function binary(op: BinOp, kind: IntKind, a: Range, b: Range): Range | undefined {
  const full = kindRange(kind);
  const bits = BigInt(kindBits(kind));
  const fits = (r: Range) => (within(r, full) ? r : undefined);
  const nonNeg = (r: Range) => r.lo >= 0n;
  switch (op) {
    case "add": return fits({ lo: a.lo + b.lo, hi: a.hi + b.hi });
    case "sub": return fits({ lo: a.lo - b.hi, hi: a.hi - b.lo });
    case "mul": return nonNeg(a) && nonNeg(b) ? fits({ lo: a.lo * b.lo, hi: a.hi * b.hi }) : undefined;
    case "div":
      // x / y never exceeds x for y ≥ 1, and x / 0 is 0.
      if (!nonNeg(a) || !nonNeg(b)) return undefined;
      return { lo: b.lo === 0n ? 0n : a.lo / b.hi, hi: a.hi };
    case "mod":
      if (!nonNeg(a)) return undefined;
      // x % y is x when x < y (and when y is 0); below y otherwise; with a non-negative x, between 0 and x.
      if (nonNeg(b) && a.hi < b.lo) return a;
      if (nonNeg(b) && b.lo > 0n) return { lo: 0n, hi: min(a.hi, b.hi - 1n) };
      return { lo: 0n, hi: a.hi };
    case "and":
      if (nonNeg(a) && nonNeg(b)) return { lo: 0n, hi: min(a.hi, b.hi) };
      if (nonNeg(a)) return { lo: 0n, hi: a.hi };
      if (nonNeg(b)) return { lo: 0n, hi: b.hi };
      return undefined;
    case "or":
    case "xor": {
      if (!nonNeg(a) || !nonNeg(b)) return undefined;
      const top = max(a.hi, b.hi);
      const ones = (1n << BigInt(top.toString(2).length)) - 1n;
      return { lo: op === "or" ? max(a.lo, b.lo) : 0n, hi: ones };
    }
    case "shr": {
      if (b.lo === b.hi) {
        const k = BigInt.asUintN(64, b.lo) % bits;
        return { lo: a.lo >> k, hi: a.hi >> k }; // logical on non-negative values, arithmetic on signed ones: monotone either way
      }
      if (nonNeg(a)) return { lo: 0n, hi: a.hi };
      return isSigned(kind) ? { lo: a.lo, hi: a.hi < 0n ? -1n : a.hi } : undefined;
    }
    case "shl": return undefined;
  }
}

/** Whether `a cmp b` holds for every pair of values (true), for none (false), or depends (undefined). */
function decide(cmp: CmpOp, a: Range, b: Range): boolean | undefined {
  const lt = a.hi < b.lo ? true : a.lo >= b.hi ? false : undefined;
  const le = a.hi <= b.lo ? true : a.lo > b.hi ? false : undefined;
  const disjoint = a.hi < b.lo || b.hi < a.lo;
  const single = a.lo === a.hi && b.lo === b.hi && a.lo === b.lo;
  switch (cmp) {
    case "lt": return lt;
    case "le": return le;
    case "gt": return le === undefined ? undefined : !le;
    case "ge": return lt === undefined ? undefined : !lt;
    case "eq": return disjoint ? false : single ? true : undefined;
    case "ne": return disjoint ? true : single ? false : undefined;
  }
}

/** The kind's all-ones value as an operation of `kind` reads it. */
const allOnes = (kind: IntKind) => wrapToKind(-1n, kind);

/**
 * `x op c` that is x, or a constant, for every x (BPF's division rules), or undefined. A result
 * that is x becomes a copy only when the register's kind is the result's and the operation keeps
 * at least its bits (as const-fold.ts's isIdentity).
 */
function identity(inst: Extract<Inst, { op: "bin" }>): Operand | undefined {
  const { a, b, bop, kind, dst } = inst;
  if (dst.kind === "ptr" || b.tag !== "imm") return undefined;
  const c = wrapToKind(b.value, kind);
  const asIs = a.tag === "reg" && a.reg.kind === dst.kind && kindBits(dst.kind) <= kindBits(kind) ? a : undefined;
  if (bop === "div" && c === 0n) return imm(0n, dst.kind);
  if (bop === "mod" && c === 0n) return asIs;
  if (bop === "mod" && c === 1n) return imm(0n, dst.kind);
  if ((bop === "div" || bop === "mul") && c === 1n) return asIs;
  if (bop === "and" && c === allOnes(kind)) return asIs;
  if (bop === "or" && c === allOnes(kind) && within({ lo: c, hi: c }, kindRange(dst.kind))) return imm(c, dst.kind);
  return undefined;
}

/**
 * `x & m`, `x % c`, `x / c`… that leave every value of x's interval as it is, and a conversion
 * whose source fits its target: a copy of x (values in 0..2^31-1, which every kind's register
 * holds in the same bits).
 */
function unchanged(inst: Inst, ranges: Ranges): Operand | undefined {
  // `ranges` are the verifier's: a mask or conversion dropped here may be what bounds an index for it.
  if (inst.op === "conv") {
    if (inst.to === "bool" || inst.src.tag !== "reg" || inst.dst.kind === "ptr") return undefined;
    const src = ranges.operand(inst.src, inst.from);
    const own = ranges.of(inst.src.reg);
    return src && own && within(src, SAME_BITS) && within(own, SAME_BITS) && within(src, kindRange(inst.to)) && within(src, kindRange(inst.dst.kind)) ? inst.src : undefined;
  }
  if (inst.op !== "bin" || inst.a.tag !== "reg" || inst.dst.kind === "ptr") return undefined;
  const a = ranges.operand(inst.a, inst.kind);
  const own = ranges.of(inst.a.reg);
  const b = ranges.operand(inst.b, inst.kind);
  if (!a || !b || !own || !within(a, SAME_BITS) || !within(own, SAME_BITS) || !within(a, kindRange(inst.dst.kind)) || b.lo !== b.hi) return undefined;
  const c = b.lo;
  const keeps =
    (inst.bop === "and" && c >= 0n && (c & (c + 1n)) === 0n && a.hi <= c) || // a mask of low bits above every value
    (inst.bop === "mod" && c > a.hi) ||
    ((inst.bop === "shr" || inst.bop === "shl") && c === 0n) ||
    ((inst.bop === "or" || inst.bop === "xor" || inst.bop === "add" || inst.bop === "sub") && c === 0n);
  return keeps ? inst.a : undefined;
}

/**
 * `q cmp x` where q is `x / y` or `x % y` computed earlier in the same block (x not written in
 * between), x non-negative: q never exceeds x (BPF's x / 0 = 0 and x % 0 = x included), so
 * `q <= x` holds and `q > x` does not. Only where both compare as their own values (no wrap).
 */
function relation(cmp: CmpOp, a: Operand, b: Operand, kind: IrKind, insts: readonly Inst[], end: number, ranges: Ranges): boolean | undefined {
  if (a.tag !== "reg" || b.tag !== "reg" || a.reg === b.reg || kind === "ptr") return undefined;
  const notAbove = (q: VReg, x: VReg): boolean => {
    // The last write of q before the comparison, with no write of x after it.
    for (let i = end - 1; i >= 0; i--) {
      const inst = insts[i]!;
      const def = instDef(inst);
      if (def === x && def !== q) return false;
      if (def !== q) continue;
      if (inst.op !== "bin" || (inst.bop !== "div" && inst.bop !== "mod") || inst.a.tag !== "reg" || inst.a.reg !== x) return false;
      const own = ranges.of(x);
      const read = ranges.operand(inst.a, inst.kind);
      const divisor = ranges.operand(inst.b, inst.kind);
      if (!own || !read || own.lo < 0n || read.lo !== own.lo || read.hi !== own.hi) return false;
      return inst.bop === "mod" || (divisor !== undefined && divisor.lo >= 0n);
    }
    return false;
  };
  const asItself = (r: VReg): boolean => {
    const own = ranges.of(r);
    const seen = ranges.compared({ tag: "reg", reg: r }, kind);
    return !!own && !!seen && own.lo === seen.lo && own.hi === seen.hi;
  };
  if (!asItself(a.reg) || !asItself(b.reg)) return undefined;
  if (notAbove(a.reg, b.reg)) return cmp === "le" ? true : cmp === "gt" ? false : undefined; // a <= b
  if (notAbove(b.reg, a.reg)) return cmp === "ge" ? true : cmp === "lt" ? false : undefined; // a >= b
  return undefined;
}

export function foldByRanges(fn: IrFunction): boolean {
  let changed = false;
  // Identities first (they need no intervals), then one census of intervals for the rest: a
  // rewrite only narrows what a register can hold, so intervals computed before stay true.
  for (const block of fn.blocks) {
    block.insts = block.insts.map((inst): Inst => {
      if (inst.op !== "bin") return inst;
      const to = identity(inst);
      if (!to) return inst;
      changed = true;
      return { op: "mov", dst: inst.dst, src: to, ...(inst.loc ? { loc: inst.loc } : {}) };
    });
  }
  const ranges = new Ranges(fn);
  const seen = new Ranges(fn, true);
  for (const block of fn.blocks) {
    block.insts = block.insts.map((inst, at): Inst => {
      if (inst.op === "cmp") {
        const a = ranges.compared(inst.a, inst.kind);
        const b = ranges.compared(inst.b, inst.kind);
        const known = (a && b ? decide(inst.cmp, a, b) : undefined) ?? relation(inst.cmp, inst.a, inst.b, inst.kind, block.insts, at, ranges);
        if (known === undefined) return inst;
        changed = true;
        return { op: "mov", dst: inst.dst, src: imm(known ? 1n : 0n, "bool"), ...(inst.loc ? { loc: inst.loc } : {}) };
      }
      const copy = unchanged(inst, seen);
      if (!copy || (inst.op !== "bin" && inst.op !== "conv")) return inst;
      changed = true;
      return { op: "mov", dst: inst.dst, src: copy, ...(inst.loc ? { loc: inst.loc } : {}) };
    });
    const term = block.term;
    if (term?.op === "cbr") {
      // A check the compiler added (an index's bounds, a copy's length) only on what the verifier
      // knows too (see Ranges); a condition of the program's on everything.
      const facts = term.source ? ranges : seen;
      const a = facts.compared(term.a, term.kind);
      const b = facts.compared(term.b, term.kind);
      const known = (a && b ? decide(term.cmp, a, b) : undefined) ?? (term.source ? relation(term.cmp, term.a, term.b, term.kind, block.insts, block.insts.length, ranges) : undefined);
      if (known !== undefined) {
        block.term = { op: "br", target: known ? term.then : term.else, ...(term.loc ? { loc: term.loc } : {}) };
        changed = true;
      }
    }
  }
  return changed;
}
