/**
 * Array elements at a variable index. The verifier accepts a pointer plus a variable offset only
 * when it can bound the offset, so every access first compares the index with the array's length
 * (one unsigned comparison, which also rejects negative indexes) and computes the element's
 * address only on the in-bounds path, where the verifier knows the range. Out of bounds, a read
 * gives 0 and a write does nothing: like BPF's own x/0 = 0, a defined result instead of a fault.
 */
import type { ts } from "ts-morph";
import { sizeOf } from "../checker/layout.js";
import { Codes } from "../diagnostics/codes.js";
import { imm, type Address, type Operand } from "../ir/ir.js";
import type { LowerContext } from "./context.js";
import { toKind } from "./convert.js";
import { fail } from "./errors.js";
import type { IndexTerm, Place, RValue } from "./values.js";

type RegAddress = Extract<Address, { tag: "reg" }>;

/** `array[index]` for a non-constant index: the element's place, with the index recorded. */
export function indexedPlace(L: LowerContext, array: Place, index: RValue, node: ts.Node, proven = false): Place {
  if (array.tag !== "mem" || array.type.tag !== "array") return fail(Codes.UnknownMember, node, "only fixed arrays can be indexed");
  if (L.contextReg && array.addr.tag === "reg" && array.addr.base === L.contextReg) {
    fail(Codes.NonConstantIndex, node, "the context can only be read at constant offsets (the verifier rewrites each context access)",
      "index context arrays with a constant, e.g. skb.cb[1] (a tracepoint's or raw tracepoint's context takes variable indexes)");
  }
  if (index.type.tag !== "int") return fail(Codes.OperatorType, node, "an array index must be an integer");
  const wide = toKind(L, index, index.type.kind.startsWith("i") ? "i64" : "u64", node);
  const element = array.type.element;
  const term: IndexTerm = { index: wide, scale: sizeOf(element), length: array.type.length, proven };
  const place: Place = { tag: "mem", addr: array.addr, type: element, index: [...(array.index ?? []), term] };
  if (array.readonly !== undefined) place.readonly = array.readonly;
  return place;
}

/**
 * Emits `inBounds(address)` on the path where every index of the place is in range, and
 * `outOfBounds()` on the other; both continue at a common block.
 */
export function accessIndexed(L: LowerContext, place: Extract<Place, { tag: "mem" }>, inBounds: (addr: RegAddress) => void, outOfBounds?: () => void): void {
  const terms = place.index ?? [];
  const join = L.b.newBlock();
  const otherwise = outOfBounds ? L.b.newBlock() : join;
  for (const term of terms) {
    if (term.proven) continue;
    const next = L.b.newBlock();
    L.b.terminate({ op: "cbr", cmp: "lt", kind: "u64", a: term.index, b: imm(BigInt(term.length), "u64"), then: next, else: otherwise });
    L.b.setBlock(next);
  }
  inBounds(elementAddress(L, place.addr, terms));
  L.b.jumpTo(join);
  if (outOfBounds) {
    L.b.setBlock(otherwise);
    outOfBounds();
    L.b.jumpTo(join);
  }
  L.b.setBlock(join);
}

/** `base + Σ index·scale` in a pointer register, keeping the base's constant offset for the access. */
export function elementAddress(L: LowerContext, addr: Address, terms: IndexTerm[]): RegAddress {
  let pointer: Operand = addr.tag === "stack" ? { tag: "stack", object: addr.object, offset: 0 }
    : addr.tag === "global" ? { tag: "map", map: addr.map, ref: "value", offset: 0 }
    : { tag: "reg", reg: addr.base };
  for (const term of terms) {
    let offset = term.index;
    // An offset computed for this address alone comes first in the sum, which then takes over its
    // register (codegen's two-address hint) and leaves the base, which may live on, untouched.
    const fresh = term.fresh === true || term.scaleBy !== undefined || term.scale !== 1;
    if (term.scaleBy) {
      const scaled = L.b.newReg("u64");
      L.b.emit({ op: "bin", bop: "mul", kind: "u64", dst: scaled, a: offset, b: term.scaleBy });
      offset = { tag: "reg", reg: scaled };
    } else if (term.scale !== 1) {
      const scaled = L.b.newReg("u64");
      const power = Math.log2(term.scale);
      if (Number.isInteger(power)) L.b.emit({ op: "bin", bop: "shl", kind: "u64", dst: scaled, a: offset, b: imm(BigInt(power), "u64") });
      else L.b.emit({ op: "bin", bop: "mul", kind: "u64", dst: scaled, a: offset, b: imm(BigInt(term.scale), "u64") });
      offset = { tag: "reg", reg: scaled };
    }
    const sum = L.b.newReg("ptr");
    const swap = fresh && addr.tag === "reg" && pointer.tag === "reg" && pointer.reg === addr.base;
    L.b.emit({ op: "bin", bop: "add", kind: "u64", dst: sum, a: swap ? offset : pointer, b: swap ? pointer : offset });
    pointer = { tag: "reg", reg: sum };
  }
  if (pointer.tag !== "reg") {
    const reg = L.b.newReg("ptr");
    L.b.emit({ op: "mov", dst: reg, src: pointer });
    pointer = { tag: "reg", reg };
  }
  return { tag: "reg", base: pointer.reg, offset: addr.offset };
}

/**
 * The address of a whole place (for copies and helper arguments): a variable index is allowed only
 * when proven in range (a for…of element), since a copy has no defined out-of-bounds result.
 */
export function wholeAddress(L: LowerContext, place: Extract<Place, { tag: "mem" }>, node: ts.Node): Address {
  if (!place.index) return place.addr;
  if (place.index.some((t) => !t.proven)) {
    fail(Codes.NonConstantIndex, node, "a whole element at a variable index cannot be copied or passed to a helper",
      "access its members one by one (a[i].x), or iterate with for…of, whose elements are always in range");
  }
  return elementAddress(L, place.addr, place.index);
}
