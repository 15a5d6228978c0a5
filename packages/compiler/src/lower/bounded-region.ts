/**
 * Memory a helper reads or writes with a size given at run time: `bpf.probeRead(b.buf[off], n, src)`,
 * `this.events.perfOutput(ctx, b.buf, used)`. The verifier accepts such a call only when it can see
 * that the pointer's largest offset plus the size's largest value stay inside the object, so the
 * compiler writes the bounds a libbpf author writes by hand:
 *
 * - a region starting at a constant place (a whole array or struct) has its size clamped to the
 *   region (C's `if (size > MAX) size = MAX`): the call is always made;
 * - a region starting at an element at a variable index (`&buf[off]`) is used only when it fits:
 *   `index < length`, `size <= bytes` and `index * scale <= bytes - size` (unsigned, so no
 *   overflow and no negative sizes). Otherwise the helper is not called and the result is -E2BIG.
 *   The check is exact; the verifier learns from it when it knows the size (a constant, also one
 *   passed to a helper function, which the verifier follows per call). A size computed at run time
 *   needs the author's own bound on the offset as well (`if (off > MAX - LIMIT) return`), as in C.
 */
import type { ts } from "ts-morph";
import { sizeOf } from "../checker/layout.js";
import { Codes } from "../diagnostics/codes.js";
import { imm, type Operand } from "../ir/ir.js";
import type { LowerContext } from "./context.js";
import { toKind } from "./convert.js";
import { fail } from "./errors.js";
import { elementAddress, wholeAddress } from "./indexed.js";
import { addressOperand } from "./lower-place.js";
import type { Place, RValue } from "./values.js";

/** The result of a helper call whose region did not fit: -E2BIG. */
export const REGION_TOO_BIG = -7n;

type MemPlace = Extract<Place, { tag: "mem" }>;

/** A place passed with a run-time size: where it starts and how far it may extend. */
export interface Region {
  place: MemPlace;
  node: ts.Expression;
}

/** Checks a lowered place as a region argument (an array, struct or element the program holds). */
export function asRegion(place: Place, node: ts.Expression, what: string, writes: boolean): Region {
  if (place.tag !== "mem" || place.type.tag === "ptr") {
    return fail(Codes.HelperArguments, node, `${what} takes memory the program holds (an array, a struct or an element of an array), not a local value`,
      "pass e.g. b.buf (from its start) or b.buf[off] (from that element on)");
  }
  if (place.core || place.user) {
    fail(Codes.HelperArguments, node, `${what} cannot take kernel or user memory by address`, "copy it into a map value or local first");
  }
  if (writes && place.readonly !== undefined) fail(Codes.ReadOnly, node, "the helper would write into read-only memory", place.readonly);
  return { place, node };
}

/** Whether the call needs generated bounds: an element at a variable index, or a size not known when compiling. */
export function needsBounds(place: MemPlace, size: RValue): boolean {
  return (place.index ?? []).some((t) => !t.proven) || size.op.tag !== "imm";
}

/**
 * Emits the checks and `call(pointer, size)` on the path where the region fits; the value of the
 * whole is the call's result, or -E2BIG where it was not made.
 */
export function boundedCall(L: LowerContext, region: Region, size: RValue, what: string, call: (pointer: Operand, size: Operand) => Operand): RValue {
  const { place, node } = region;
  if (size.type.tag !== "int") fail(Codes.HelperArguments, node, `${what}: the size must be an integer`);
  const bytes = toKind(L, size, "u64", node);
  const terms = place.index ?? [];
  if (terms.length === 0) return clampedCall(L, region, bytes, what, call);
  const last = terms[terms.length - 1]!;
  if (last.scaleBy) fail(Codes.HelperArguments, node, `${what} cannot take kernel memory by address`);
  const extent = last.length * last.scale;
  if (size.op.tag === "imm" && size.op.value > BigInt(extent)) {
    fail(Codes.HelperArguments, node, `${what}: ${size.op.value} bytes never fit in the ${extent}-byte array`, "pass a smaller size or a larger array");
  }
  const b = L.b;
  const result = b.newReg("i64");
  const tooBig = b.newBlock();
  const join = b.newBlock();
  const check = (cmp: "lt" | "le", a: Operand, limit: Operand): void => {
    const next = b.newBlock();
    b.terminate({ op: "cbr", cmp, kind: "u64", a, b: limit, then: next, else: tooBig });
    b.setBlock(next);
  };
  for (const term of terms.slice(0, -1)) if (!term.proven) check("lt", term.index, imm(BigInt(term.length), "u64"));
  if (last.scale !== 1 && !last.proven) check("lt", last.index, imm(BigInt(last.length), "u64"));
  check("le", bytes, imm(BigInt(extent), "u64"));
  const room = b.newReg("u64");
  b.emit({ op: "bin", bop: "sub", kind: "u64", dst: room, a: imm(BigInt(extent), "u64"), b: bytes });
  // The byte offset is the register the pointer is built from, so that the bound the verifier
  // learns from this comparison is the pointer's.
  let offset = last.index;
  if (last.scale !== 1) {
    const scaled = b.newReg("u64");
    b.emit({ op: "bin", bop: "mul", kind: "u64", dst: scaled, a: last.index, b: imm(BigInt(last.scale), "u64") });
    offset = { tag: "reg", reg: scaled };
  }
  check("le", offset, { tag: "reg", reg: room });
  const base = elementAddress(L, place.addr, terms.slice(0, -1));
  const start = b.newReg("ptr");
  b.emit({ op: "bin", bop: "add", kind: "u64", dst: start, a: { tag: "reg", reg: base.base }, b: offset });
  const pointer = addressOperand(L, { tag: "reg", base: start, offset: base.offset });
  b.emit({ op: "mov", dst: result, src: call(pointer, bytes) });
  b.jumpTo(join);
  b.setBlock(tooBig);
  b.emit({ op: "mov", dst: result, src: imm(REGION_TOO_BIG, "i64") });
  b.jumpTo(join);
  b.setBlock(join);
  return { type: { tag: "int", kind: "i64" }, op: { tag: "reg", reg: result } };
}

/** A region at a constant place: the size clamped to the place (a constant size clamped when compiling). */
function clampedCall(L: LowerContext, region: Region, bytes: Operand, what: string, call: (pointer: Operand, size: Operand) => Operand): RValue {
  const { place, node } = region;
  if (place.type.tag === "int" || place.type.tag === "ptr") {
    if (bytes.tag === "imm") return callWith(L, call(addressOperand(L, place.addr), bytes));
    fail(Codes.HelperArguments, node, `${what}: a size computed at run time needs the array it may extend over`,
      "pass the whole array (b.buf), or its element at a variable index (b.buf[off]), whose bounds the compiler checks");
  }
  const extent = BigInt(sizeOf(place.type));
  const pointer = addressOperand(L, wholeAddress(L, place, node));
  if (bytes.tag === "imm") return callWith(L, call(pointer, imm(bytes.value > extent ? extent : bytes.value, "u64")));
  const b = L.b;
  const clamped = b.newReg("u64");
  b.emit({ op: "mov", dst: clamped, src: bytes });
  const over = b.newBlock();
  const join = b.newBlock();
  b.terminate({ op: "cbr", cmp: "gt", kind: "u64", a: { tag: "reg", reg: clamped }, b: imm(extent, "u64"), then: over, else: join });
  b.setBlock(over);
  b.emit({ op: "mov", dst: clamped, src: imm(extent, "u64") });
  b.jumpTo(join);
  b.setBlock(join);
  return callWith(L, call(pointer, { tag: "reg", reg: clamped }));
}

function callWith(_L: LowerContext, result: Operand): RValue {
  return { type: { tag: "int", kind: "i64" }, op: result };
}
