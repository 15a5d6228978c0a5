/**
 * Arrow functions passed to helpers that take a callback (`this.map.forEach((key, value) => ...)`).
 * Each becomes a static subprogram whose address the helper receives (an `ld_imm64` of the
 * function), and the kernel calls it with its own arguments, among them the `callback_ctx`
 * pointer the program passed. That pointer is how the arrow reaches the enclosing function's
 * locals, as a JavaScript closure does. They go into a struct on the caller's stack, the one C
 * programs write by hand:
 * - an integer local is copied in before the call and, when the arrow assigns it, copied back
 *   after it: the callback runs within the call, so nothing can tell this from sharing the variable;
 * - a pointer local is copied in; the arrow may not assign it (nothing could copy it back checked);
 * - a struct or array local (stack memory) is passed by address: the arrow reads and writes the
 *   caller's memory, as a closure shares an object.
 * The program's context pointer is a pointer like the others (the verifier tracks it through the
 * stack). Hook arguments (`@tp_btf(...) on(prev, next)`) live in the context, not in locals: the
 * arrow cannot take their address (the verifier refuses a context pointer moved by an offset), so
 * their values are copied in, and assigning one in the arrow is refused.
 */
import { ts } from "ts-morph";
import { Codes } from "../diagnostics/codes.js";
import { imm, type Operand, type StackObject, type VReg } from "../ir/ir.js";
import type { LowerContext } from "./context.js";
import { fail } from "./errors.js";
import { addressOperand, readPlace } from "./lower-place.js";
import type { Local } from "./values.js";

interface Capture {
  declaration: ts.Node;
  /** The local in the enclosing function. */
  local: Local;
  /** Its slot in the context struct (8 bytes each). */
  offset: number;
  /** "value": an integer or pointer copied in; "address": a stack local passed by reference. */
  how: "value" | "address";
  /** An integer the arrow assigns: copied back after the call. */
  writeBack: boolean;
  /** A use in the arrow (where a read of a hook argument is reported). */
  at?: ts.Node;
}

/** What an arrow function captures, and the struct that carries it. */
export interface Closure {
  captures: Capture[];
  /** The `callback_ctx` argument: the struct's address, or 0 when nothing is captured. */
  context: Operand;
  object: StackObject | undefined;
}

const CONTEXT_HINT = "read what the callback needs from the context into a local before the call, and use that local";

/**
 * The enclosing function's locals that `arrow` uses, stored into a fresh context struct (call
 * before the helper call; `finishClosure` after it).
 */
export function captureLocals(L: LowerContext, arrow: ts.ArrowFunction, helper: string): Closure {
  const found = new Map<ts.Node, { local: Local; at: ts.Identifier; assigned: boolean }>();
  const visit = (node: ts.Node): void => {
    if (ts.isIdentifier(node)) {
      const declaration = L.oracle.declarationOf(node);
      const local = declaration && L.locals.get(declaration);
      if (local) {
        const seen = found.get(declaration) ?? { local, at: node, assigned: false };
        seen.assigned ||= isAssigned(node);
        found.set(declaration, seen);
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(arrow.body);
  const captures: Capture[] = [];
  for (const [declaration, { local, at, assigned }] of found) {
    const offset = captures.length * 8;
    if (local.tag === "reg") {
      if (local.type.tag === "ptr" && assigned) {
        fail(Codes.Callback, at, `the ${helper} callback cannot assign the pointer '${local.name}' of the enclosing function`,
          "assign it after the call, or keep the pointer in a local of the callback");
      }
      captures.push({ declaration, local, offset, how: "value", writeBack: assigned && local.type.tag === "int", at });
      continue;
    }
    if (local.addr.tag === "global") fail(Codes.Callback, at, `the ${helper} callback cannot use '${local.name}'`);
    if (local.addr.tag === "reg" && local.addr.base === L.contextReg) {
      // A hook argument (`@kprobe(...) on(fd: i32)`): its value, read from the context now.
      if (assigned || (local.type.tag !== "int" && local.type.tag !== "ptr")) {
        fail(Codes.Callback, at, `the ${helper} callback cannot ${assigned ? "assign" : "use"} the hook argument '${local.name}', which lives in the program's context`, CONTEXT_HINT);
      }
      captures.push({ declaration, local, offset, how: "value", writeBack: false, at });
      continue;
    }
    captures.push({ declaration, local, offset, how: "address", writeBack: false });
  }
  if (captures.length === 0) return { captures, context: imm(0n, "u64"), object: undefined };
  const object = L.temps.acquire(captures.length * 8, 8, `${helper} callback context`);
  for (const c of captures) {
    const slot = { tag: "stack" as const, object, offset: c.offset };
    const kind = c.local.type.tag === "int" ? c.local.type.kind : "ptr";
    if (c.local.tag === "reg") {
      L.b.emit({ op: "store", addr: slot, value: { tag: "reg", reg: c.local.reg }, kind });
    } else if (c.how === "value") {
      const value = readPlace(L, { tag: "mem", addr: c.local.addr, type: c.local.type }, c.at!);
      L.b.emit({ op: "store", addr: slot, value: value.op, kind });
    } else {
      L.b.emit({ op: "store", addr: slot, value: addressOperand(L, c.local.addr), kind: "ptr" });
    }
  }
  return { captures, context: { tag: "stack", object, offset: 0 }, object };
}

/** After the helper call: the integers the arrow assigned take their new values; the struct is free again. */
export function finishClosure(L: LowerContext, closure: Closure): void {
  if (!closure.object) return;
  for (const c of closure.captures) {
    if (!c.writeBack || c.local.tag !== "reg" || c.local.type.tag !== "int") continue;
    L.b.emit({ op: "load", dst: c.local.reg, addr: { tag: "stack", object: closure.object, offset: c.offset }, kind: c.local.type.kind });
  }
  L.temps.release([closure.object]);
}

/** In the callback: the captured locals, reached through the context pointer in `context`. */
export function bindCaptures(L: LowerContext, closure: Closure, context: VReg): void {
  for (const c of closure.captures) {
    const slot = { tag: "reg" as const, base: context, offset: c.offset };
    const { local } = c;
    if (c.how === "value" && local.type.tag === "int") {
      // The slot is the variable while the callback runs.
      L.locals.set(c.declaration, { tag: "stack", addr: slot, type: local.type, name: local.name });
      continue;
    }
    const reg = L.b.newReg("ptr", local.name);
    L.b.emit({ op: "load", dst: reg, addr: slot, kind: "ptr" });
    if (c.how === "value") {
      L.locals.set(c.declaration, local.tag === "reg" ? { ...local, reg } : { tag: "reg", reg, type: local.type, name: local.name });
    } else {
      const byAddress: Local = { tag: "stack", addr: { tag: "reg", base: reg, offset: 0 }, type: local.type, name: local.name };
      if (local.tag === "stack" && local.core) byAddress.core = local.core; // a kernel struct stays one
      L.locals.set(c.declaration, byAddress);
    }
  }
}

/** Whether the identifier is assigned here (`x = …`, `x += …`, `x++`). */
function isAssigned(node: ts.Identifier): boolean {
  let target: ts.Node = node;
  while (ts.isParenthesizedExpression(target.parent)) target = target.parent;
  const parent = target.parent;
  if (ts.isBinaryExpression(parent)) {
    const op = parent.operatorToken.kind;
    return parent.left === target && op >= ts.SyntaxKind.FirstAssignment && op <= ts.SyntaxKind.LastAssignment;
  }
  if (ts.isPrefixUnaryExpression(parent) || ts.isPostfixUnaryExpression(parent)) {
    return parent.operator === ts.SyntaxKind.PlusPlusToken || parent.operator === ts.SyntaxKind.MinusMinusToken;
  }
  return false;
}

/**
 * Checks an arrow callback's parameters: at most `names.length`, each a plain identifier (no
 * destructuring, default or rest).
 */
export function checkCallbackParams(arrow: ts.ArrowFunction, helper: string, names: readonly string[]): void {
  const shape = `(${names.join(", ")})`;
  for (const param of arrow.parameters) {
    if (!ts.isIdentifier(param.name) || param.initializer || param.dotDotDotToken || param.questionToken) {
      fail(Codes.Callback, param, `the ${helper} callback takes ${shape}: plain parameters, no destructuring, default or rest`);
    }
  }
  const extra = arrow.parameters[names.length];
  if (extra) fail(Codes.Callback, extra, `the ${helper} callback takes ${shape}`);
}

/**
 * A callback's argument register `index` in a fresh register. Emit every one a callback reads
 * before anything else, the last first: their homes may be other argument registers.
 */
export function callbackParam(L: LowerContext, index: number, name: string): VReg {
  const reg = L.b.newReg("ptr", name);
  L.b.emit({ op: "param", dst: reg, index });
  return reg;
}
