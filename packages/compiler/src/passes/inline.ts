/**
 * Inlining of BPF-to-BPF subprograms where that is smaller: a subprogram called once (its body
 * moves into the caller; the call, the argument moves, the callee's prologue and `exit` go), or
 * one small enough that a copy costs less than the call. The callee's registers, stack objects
 * and blocks are copied fresh into the caller; its `param`s become copies of the arguments and
 * its `ret`s copies into the call's result followed by a jump to the code after the call.
 * Subprograms passed by address (bpf_loop callbacks), ones that call others and ones with a
 * `@noinline` JSDoc tag (C's `__noinline`) stay calls.
 */
import { type Address, type Block, type Inst, type IrFunction, type Operand, type StackObject, type Terminator, type VReg } from "../ir/ir.js";

/** At most this many IR instructions (terminators included) are copied for a call site beyond the first. */
const SMALL = 12;

function size(fn: IrFunction): number {
  return fn.blocks.reduce((n, b) => n + b.insts.length + 1, 0);
}

function callsOthers(fn: IrFunction): boolean {
  return fn.blocks.some((b) => b.insts.some((i) => i.op === "callsub" || operandsOf(i).some((o) => o.tag === "func")));
}

function operandsOf(inst: Inst | Terminator): Operand[] {
  switch (inst.op) {
    case "mov": return [inst.src];
    case "bin": case "cmp": return [inst.a, inst.b];
    case "un": return [inst.a];
    case "conv": return [inst.src];
    case "store": case "atomicAdd": return [inst.value];
    case "call": case "callsub": return inst.args;
    case "ret": return [inst.value];
    case "cbr": return [inst.a, inst.b];
    default: return [];
  }
}

/** How often each function name is referenced (called or taken by address) in `functions`. */
export function references(functions: readonly IrFunction[]): Map<string, { calls: number; addressTaken: boolean }> {
  const out = new Map<string, { calls: number; addressTaken: boolean }>();
  const entry = (name: string) => out.get(name) ?? (out.set(name, { calls: 0, addressTaken: false }), out.get(name)!);
  for (const fn of functions) {
    for (const b of fn.blocks) {
      for (const inst of [...b.insts, ...(b.term ? [b.term] : [])]) {
        if (inst.op === "callsub") entry(inst.target).calls++;
        for (const o of operandsOf(inst)) if (o.tag === "func") entry(o.name).addressTaken = true;
      }
    }
  }
  return out;
}

/**
 * Inlines into `caller` the calls to `callees` (already optimised) that pay; returns whether it
 * changed anything. `refs` counts the calls of each callee across the whole program.
 */
export function inlineCalls(caller: IrFunction, callees: ReadonlyMap<string, IrFunction>, refs: Map<string, { calls: number; addressTaken: boolean }>, keep: ReadonlySet<string> = new Set()): boolean {
  let changed = false;
  for (let bi = 0; bi < caller.blocks.length; bi++) {
    const block = caller.blocks[bi]!;
    const at = block.insts.findIndex((inst) => {
      if (inst.op !== "callsub") return false;
      const callee = callees.get(inst.target);
      const r = refs.get(inst.target);
      if (!callee || !r || r.addressTaken || keep.has(inst.target) || callee === caller || callsOthers(callee)) return false;
      return r.calls === 1 || size(callee) <= SMALL;
    });
    if (at < 0) continue;
    const call = block.insts[at] as Extract<Inst, { op: "callsub" }>;
    const callee = callees.get(call.target)!;
    const after: Block = { id: nextBlockId(caller), insts: block.insts.slice(at + 1), term: block.term };
    caller.blocks.push(after);
    const entry = copyBody(caller, callee, call, after);
    block.insts = block.insts.slice(0, at);
    block.term = { op: "br", target: entry, ...(call.loc ? { loc: call.loc } : {}) };
    refs.get(call.target)!.calls--;
    changed = true;
    // More calls of this block are in `after` now, which the loop reaches later.
  }
  return changed;
}

function nextBlockId(fn: IrFunction): number {
  return Math.max(-1, ...fn.blocks.map((b) => b.id)) + 1;
}

/** Copies the callee's blocks into the caller; returns the copy of its entry block. */
function copyBody(caller: IrFunction, callee: IrFunction, call: Extract<Inst, { op: "callsub" }>, after: Block): Block {
  let nextReg = Math.max(-1, ...caller.regs.map((r) => r.id)) + 1;
  let nextObject = Math.max(-1, ...caller.stack.map((o) => o.id)) + 1;
  const regs = new Map<VReg, VReg>();
  const reg = (r: VReg): VReg => {
    let copy = regs.get(r);
    if (!copy) {
      copy = { ...r, id: nextReg++ };
      regs.set(r, copy);
      caller.regs.push(copy);
    }
    return copy;
  };
  const objects = new Map<StackObject, StackObject>();
  const object = (o: StackObject): StackObject => {
    let copy = objects.get(o);
    if (!copy) {
      copy = { ...o, id: nextObject++ };
      objects.set(o, copy);
      caller.stack.push(copy);
    }
    return copy;
  };
  const operand = (o: Operand): Operand => (o.tag === "reg" ? { tag: "reg", reg: reg(o.reg) } : o.tag === "stack" ? { ...o, object: object(o.object) } : o);
  const address = (a: Address): Address => (a.tag === "reg" ? { ...a, base: reg(a.base) } : a.tag === "stack" ? { ...a, object: object(a.object) } : a);
  let nextId = nextBlockId(caller);
  const blocks = new Map<Block, Block>(callee.blocks.map((b) => [b, { id: nextId++, insts: [], term: undefined }]));
  for (const [original, copy] of blocks) {
    for (const inst of original.insts) copy.insts.push(copyInst(inst, operand, address, reg, call));
    const term = original.term!;
    if (term.op === "ret") {
      if (call.dst) copy.insts.push({ op: "mov", dst: call.dst, src: operand(term.value), ...(term.loc ? { loc: term.loc } : {}) });
      copy.term = { op: "br", target: after, ...(term.loc ? { loc: term.loc } : {}) };
    } else if (term.op === "br") {
      copy.term = { ...term, target: blocks.get(term.target)! };
    } else {
      copy.term = { ...term, a: operand(term.a), b: operand(term.b), then: blocks.get(term.then)!, else: blocks.get(term.else)! };
    }
    caller.blocks.push(copy);
  }
  return blocks.get(callee.blocks[0]!)!;
}

function copyInst(inst: Inst, operand: (o: Operand) => Operand, address: (a: Address) => Address, reg: (r: VReg) => VReg, call: Extract<Inst, { op: "callsub" }>): Inst {
  const loc = inst.loc ? { loc: inst.loc } : {};
  switch (inst.op) {
    case "param": return { op: "mov", dst: reg(inst.dst), src: call.args[inst.index]!, ...loc };
    case "mov": return { ...inst, dst: reg(inst.dst), src: operand(inst.src) };
    case "bin": return { ...inst, dst: reg(inst.dst), a: operand(inst.a), b: operand(inst.b) };
    case "un": return { ...inst, dst: reg(inst.dst), a: operand(inst.a) };
    case "conv": return { ...inst, dst: reg(inst.dst), src: operand(inst.src) };
    case "cmp": return { ...inst, dst: reg(inst.dst), a: operand(inst.a), b: operand(inst.b) };
    case "load": return { ...inst, dst: reg(inst.dst), addr: address(inst.addr) };
    case "store": return { ...inst, addr: address(inst.addr), value: operand(inst.value) };
    case "copy": return { ...inst, dst: address(inst.dst), src: address(inst.src) };
    case "zero": return { ...inst, dst: address(inst.dst) };
    case "atomicAdd": return { ...inst, addr: address(inst.addr), value: operand(inst.value) };
    case "atomic": return { ...inst, addr: address(inst.addr), value: operand(inst.value), ...(inst.expected ? { expected: operand(inst.expected) } : {}), ...(inst.dst ? { dst: reg(inst.dst) } : {}) };
    case "call": return { ...inst, args: inst.args.map(operand), ...(inst.dst ? { dst: reg(inst.dst) } : {}) };
    case "callsub": return { ...inst, args: inst.args.map(operand), ...(inst.dst ? { dst: reg(inst.dst) } : {}) };
    case "core": return { ...inst, dst: reg(inst.dst) };
  }
}

/** The functions `entry` reaches through calls and addresses, entry first (the ones to link). */
export function reachable(entry: IrFunction, functions: ReadonlyMap<string, IrFunction>): Set<IrFunction> {
  const seen = new Set<IrFunction>();
  const work = [entry];
  while (work.length > 0) {
    const fn = work.pop()!;
    if (seen.has(fn)) continue;
    seen.add(fn);
    for (const name of references([fn]).keys()) {
      const next = functions.get(name);
      if (next) work.push(next);
    }
  }
  return seen;
}
