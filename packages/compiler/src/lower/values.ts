/**
 * What lowering an expression gives: a scalar value in an operand, or a place in memory or in a
 * local's register (an lvalue), each with the compiler's type.
 */
import type { Type } from "../checker/types.js";
import type { Address, Operand, VReg } from "../ir/ir.js";
import type { CorePath } from "../core/lower-access.js";

/** An integer or pointer value. */
export interface RValue {
  type: Type;
  op: Operand;
  /**
   * Set for an integer literal (possibly negated) that took its kind by default (i32/u32 for
   * numbers, i64/u64 for bigints): a declared context may still check its range.
   */
  literal?: bigint;
  /** The `null` literal: converts to any pointer type. */
  isNull?: boolean;
}

/** An lvalue: a local held in a register, or memory at an address. */
export type Place =
  | { tag: "var"; reg: VReg; type: Type; name: string; readonlyPointee?: string }
  | { tag: "mem"; addr: Address; type: Type; readonly?: string; index?: IndexTerm[]; user?: true; core?: CorePath };

/**
 * A variable array index in a place's address: the address is `addr + index * scale`, valid only
 * when `index < length` (an unsigned 64-bit comparison, so that a negative index is out of range).
 * `proven` indexes (a for…of counter) need no check.
 */
export interface IndexTerm {
  index: Operand;
  scale: number;
  /** The element size as the running kernel has it (a kernel struct's, CO-RE relocated): used instead of `scale`. */
  scaleBy?: Operand;
  /** `index` is a register computed for this address alone (a relocated offset). */
  fresh?: true;
  length: number;
  proven: boolean;
}

/**
 * Where a local variable lives. A `stack` local with `core` is a kernel struct in kernel memory
 * (a for…of element of a kernel array), whose members are read through CO-RE.
 */
export type Local =
  | { tag: "reg"; reg: VReg; type: Type; name: string; readonlyPointee?: string }
  | { tag: "stack"; addr: Address; type: Type; name: string; core?: CorePath };
