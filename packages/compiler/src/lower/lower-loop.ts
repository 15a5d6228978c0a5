/**
 * Loops (`for`, `while`, `do…while`, `for…of` over fixed arrays), `break` and `continue` (with or
 * without a label) and labelled statements. Loops are emitted as real loops; their bound must be
 * provable (see loop-bound.ts), since the verifier only accepts loops it can walk to their end.
 */
import { ts } from "ts-morph";
import { typeName, type StructType } from "../checker/types.js";
import { Codes } from "../diagnostics/codes.js";
import { locOf } from "../frontend/span.js";
import { imm, type Block } from "../ir/ir.js";
import type { JumpTarget, LowerContext } from "./context.js";
import { fail } from "./errors.js";
import { wholeAddress } from "./indexed.js";
import type { Local, Place } from "./values.js";
import { lowerCond } from "./lower-cond.js";
import { lowerExpr } from "./lower-expr.js";
import { anyIndexedPlace, lowerPlace, readPlace } from "./lower-place.js";
import { lowerNested, lowerVariableList } from "./lower-stmt.js";
import { proveLoopBound } from "./loop-bound.js";

/** Runs `body` with a jump target pushed for it. */
export function withTarget(L: LowerContext, target: JumpTarget, body: () => void): void {
  L.jumps.push(target);
  try {
    body();
  } finally {
    L.jumps.pop();
  }
}

/** The labels directly on a statement (`a: b: while (...)`). */
function labelsOf(node: ts.Statement): string[] {
  const labels: string[] = [];
  let parent = node.parent;
  while (ts.isLabeledStatement(parent)) {
    labels.push(parent.label.text);
    parent = parent.parent;
  }
  return labels;
}

export function lowerLabeled(L: LowerContext, node: ts.LabeledStatement): void {
  let inner: ts.Statement = node.statement;
  while (ts.isLabeledStatement(inner)) inner = inner.statement;
  if (ts.isIterationStatement(inner, false)) return lowerNested(L, inner);
  // A labelled block or if: only `break label` leaves it.
  const after = L.b.newBlock();
  withTarget(L, { labels: labelsOf(inner), kind: "block", breakTo: after }, () => lowerNested(L, inner));
  L.b.jumpTo(after);
  L.b.setBlock(after);
}

export function lowerWhile(L: LowerContext, node: ts.WhileStatement): void {
  proveLoopBound(L, { node, condition: node.expression, body: node.statement });
  const header = L.b.newBlock();
  const body = L.b.newBlock();
  const exit = L.b.newBlock();
  L.b.jumpTo(header);
  L.b.setBlock(header);
  lowerCond(L, node.expression, body, exit);
  L.b.setBlock(body);
  withTarget(L, { labels: labelsOf(node), kind: "loop", breakTo: exit, continueTo: header }, () => lowerNested(L, node.statement));
  L.b.jumpTo(header);
  L.b.setBlock(exit);
}

export function lowerDo(L: LowerContext, node: ts.DoStatement): void {
  proveLoopBound(L, { node, condition: node.expression, body: node.statement });
  const body = L.b.newBlock();
  const test = L.b.newBlock();
  const exit = L.b.newBlock();
  L.b.jumpTo(body);
  L.b.setBlock(body);
  withTarget(L, { labels: labelsOf(node), kind: "loop", breakTo: exit, continueTo: test }, () => lowerNested(L, node.statement));
  L.b.jumpTo(test);
  L.b.setBlock(test);
  L.b.loc = locOf(node.expression);
  lowerCond(L, node.expression, body, exit);
  L.b.setBlock(exit);
}

export function lowerFor(L: LowerContext, node: ts.ForStatement): void {
  const init = node.initializer;
  if (init) {
    if (ts.isVariableDeclarationList(init)) lowerVariableList(L, init);
    else lowerExpr(L, init);
  }
  proveLoopBound(L, { node, condition: node.condition, body: node.statement, incrementor: node.incrementor, initializer: init });
  const header = L.b.newBlock();
  const body = L.b.newBlock();
  const step = L.b.newBlock();
  const exit = L.b.newBlock();
  L.b.jumpTo(header);
  L.b.setBlock(header);
  L.b.loc = locOf(node.condition!);
  lowerCond(L, node.condition!, body, exit);
  L.b.setBlock(body);
  withTarget(L, { labels: labelsOf(node), kind: "loop", breakTo: exit, continueTo: step }, () => lowerNested(L, node.statement));
  L.b.jumpTo(step);
  L.b.setBlock(step);
  if (node.incrementor) {
    L.b.loc = locOf(node.incrementor);
    lowerExpr(L, node.incrementor);
  }
  L.b.jumpTo(header);
  L.b.setBlock(exit);
}

/** `for (const x of array)`: a counted loop over a FixedArray; `x` is each element (a reference for structs). */
export function lowerForOf(L: LowerContext, node: ts.ForOfStatement): void {
  if (node.awaitModifier) fail(Codes.Async, node.awaitModifier, "'for await' is not supported: BPF programs run to completion");
  const list = node.initializer;
  if (!ts.isVariableDeclarationList(list) || list.declarations.length !== 1 || !ts.isIdentifier(list.declarations[0]!.name)) {
    return fail(Codes.UnsupportedStatement, node.initializer, "for…of declares one element variable: for (const x of array)");
  }
  const declaration = list.declarations[0]!;
  const array = lowerPlace(L, node.expression);
  if (array.type.tag !== "array") {
    return fail(Codes.UnsupportedStatement, node.expression, `for…of iterates over a FixedArray, not a '${typeName(array.type)}'`);
  }
  const length = array.type.length;
  const element = array.type.element;
  const counter = L.b.newReg("u32", "(index)");
  L.b.emit({ op: "mov", dst: counter, src: imm(0n, "u32") });
  const header = L.b.newBlock();
  const body = L.b.newBlock();
  const step = L.b.newBlock();
  const exit = L.b.newBlock();
  L.b.jumpTo(header);
  L.b.setBlock(header);
  L.b.terminate({ op: "cbr", cmp: "lt", kind: "u32", a: { tag: "reg", reg: counter }, b: imm(BigInt(length), "u32"), then: body, else: exit });
  L.b.setBlock(body);
  L.b.loc = locOf(declaration);
  if (array.tag !== "mem") return fail(Codes.UnsupportedStatement, node.expression, "this array cannot be iterated");
  const kernelStruct = element.tag === "struct" && element.kernel !== undefined;
  if (array.core && element.tag !== "int" && element.tag !== "ptr" && !kernelStruct) {
    fail(Codes.UnsupportedStatement, node.expression, "for…of over a kernel array iterates over scalars and structs, not arrays",
      "index it in a counted loop: for (let i = 0; i < n; i++) { ... a[i][j] ... }");
  }
  const place = anyIndexedPlace(L, array, { type: { tag: "int", kind: "u32" }, op: { tag: "reg", reg: counter } }, node.expression, true);
  const name = declaration.name.getText();
  if (element.tag === "int" || element.tag === "ptr") {
    const value = readPlace(L, place, node.expression);
    const reg = L.b.newReg(element.tag === "int" ? element.kind : "ptr", name);
    L.b.emit({ op: "mov", dst: reg, src: value.op });
    L.locals.set(declaration, { tag: "reg", reg, type: element, name });
  } else {
    if (place.tag !== "mem") return fail(Codes.UnsupportedStatement, node.expression, "this array cannot be iterated");
    const local: Local = place.core ? kernelElement(L, place, name, node.expression) : { tag: "stack", addr: wholeAddress(L, place, node.expression), type: element, name };
    L.locals.set(declaration, local);
  }
  withTarget(L, { labels: labelsOf(node), kind: "loop", breakTo: exit, continueTo: step }, () => lowerNested(L, node.statement));
  L.b.jumpTo(step);
  L.b.setBlock(step);
  L.b.emit({ op: "bin", bop: "add", kind: "u32", dst: counter, a: { tag: "reg", reg: counter }, b: imm(1n, "u32") });
  L.b.jumpTo(header);
  L.b.setBlock(exit);
}

/**
 * A for…of element of a kernel array of structs: its address (the index is in range), from which
 * its members are relocated and read with bpf_probe_read_kernel (a BTF-typed base plus a variable
 * offset is no direct load). Behind a pointer that may be null the address is 0 when it is
 * (the verifier refuses arithmetic on it), and the members read 0.
 */
function kernelElement(L: LowerContext, place: Extract<Place, { tag: "mem" }>, name: string, node: ts.Node): Local {
  const address = L.b.newReg("ptr", name);
  const compute = (): number => {
    const at = wholeAddress(L, place, node);
    L.b.emit({ op: "mov", dst: address, src: at.tag === "reg" ? { tag: "reg", reg: at.base } : imm(0n, "ptr") });
    return at.offset;
  };
  let offset: number;
  const direct = place.core?.direct;
  if (direct?.nullable && place.addr.tag === "reg") {
    L.b.emit({ op: "mov", dst: address, src: imm(0n, "ptr") });
    const present = L.b.newBlock();
    const join = L.b.newBlock();
    L.b.terminate({ op: "cbr", cmp: "ne", kind: "ptr", a: { tag: "reg", reg: place.addr.base }, b: imm(0n, "ptr"), then: present, else: join });
    L.b.setBlock(present);
    offset = compute();
    L.b.jumpTo(join);
    L.b.setBlock(join);
  } else {
    offset = compute();
  }
  return { tag: "stack", addr: { tag: "reg", base: address, offset }, type: place.type, name, core: { root: place.type as StructType, access: [0] } };
}

export function lowerBreakContinue(L: LowerContext, node: ts.BreakStatement | ts.ContinueStatement): void {
  const isBreak = ts.isBreakStatement(node);
  const word = isBreak ? "break" : "continue";
  const label = node.label?.text;
  let target: JumpTarget | undefined;
  for (let i = L.jumps.length - 1; i >= 0 && !target; i--) {
    const t = L.jumps[i]!;
    if (label !== undefined ? t.labels.includes(label) : isBreak ? t.kind !== "block" : t.kind === "loop") target = t;
  }
  if (!target) return fail(Codes.BreakOutsideLoop, node, `'${word}' has no enclosing ${isBreak ? "loop or switch" : "loop"}${label ? ` labelled '${label}'` : ""}`);
  const to: Block | undefined = isBreak ? target.breakTo : target.continueTo;
  if (!to) return fail(Codes.BreakOutsideLoop, node, `'continue ${label}' must name a loop`);
  L.b.terminate({ op: "br", target: to });
}
