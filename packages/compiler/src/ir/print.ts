/**
 * A textual dump of the IR, for tests and `--dump-ir` style debugging.
 */
import type { Address, Block, Inst, IrFunction, Operand, Terminator, VReg } from "./ir.js";

function regName(r: VReg): string {
  return `%${r.id}${r.name ? `.${r.name}` : ""}`;
}

export function printOperand(o: Operand): string {
  switch (o.tag) {
    case "reg": return regName(o.reg);
    case "imm": return `${o.value}:${o.kind}`;
    case "stack": return `&s${o.object.id}${o.offset ? `+${o.offset}` : ""}`;
    case "map": return o.ref === "map" ? `map(${o.map})` : `&${o.map}+${o.offset}`;
    case "func": return `&${o.name}`;
  }
}

function printAddress(a: Address): string {
  switch (a.tag) {
    case "reg": return `[${regName(a.base)}+${a.offset}]`;
    case "stack": return `[s${a.object.id}+${a.offset}]`;
    case "global": return `[${a.map}+${a.offset}]`;
  }
}

export function printInst(inst: Inst | Terminator): string {
  switch (inst.op) {
    case "param": return `${regName(inst.dst)} = param ${inst.index}`;
    case "mov": return `${regName(inst.dst)} = ${printOperand(inst.src)}`;
    case "core": return `${regName(inst.dst)} = core.${inst.relo.kind} ${inst.relo.access} (${inst.value})`;
    case "bin": return `${regName(inst.dst)} = ${inst.bop}.${inst.kind} ${printOperand(inst.a)}, ${printOperand(inst.b)}`;
    case "un": return `${regName(inst.dst)} = ${inst.uop}.${inst.kind} ${printOperand(inst.a)}`;
    case "conv": return `${regName(inst.dst)} = conv.${inst.from}.${inst.to} ${printOperand(inst.src)}`;
    case "cmp": return `${regName(inst.dst)} = ${inst.cmp}.${inst.kind} ${printOperand(inst.a)}, ${printOperand(inst.b)}`;
    case "load": return `${regName(inst.dst)} = load.${inst.kind} ${printAddress(inst.addr)}${inst.relo ? ` core.${inst.relo.kind} ${inst.relo.access}` : ""}`;
    case "store": return `store.${inst.kind} ${printAddress(inst.addr)}, ${printOperand(inst.value)}`;
    case "atomic": return `${inst.dst ? `${regName(inst.dst)} = ` : ""}atomic_${inst.aop}.${inst.kind} ${printAddress(inst.addr)}, ${inst.expected ? `${printOperand(inst.expected)}, ` : ""}${printOperand(inst.value)}`;
    case "atomicAdd": return `atomic_add.${inst.kind} ${printAddress(inst.addr)}, ${printOperand(inst.value)}`;
    case "copy": return `copy ${printAddress(inst.dst)}, ${printAddress(inst.src)}, ${inst.size}`;
    case "zero": return `zero ${printAddress(inst.dst)}, ${inst.size}`;
    case "callsub": return `${inst.dst ? `${regName(inst.dst)} = ` : ""}call ${inst.target}(${inst.args.map(printOperand).join(", ")})`;
    case "call": return `${inst.dst ? `${regName(inst.dst)} = ` : ""}call ${inst.helper}(${inst.args.map(printOperand).join(", ")})`;
    case "ret": return `ret ${printOperand(inst.value)}`;
    case "br": return `br b${inst.target.id}`;
    case "cbr": return `if ${inst.cmp}.${inst.kind} ${printOperand(inst.a)}, ${printOperand(inst.b)} then b${inst.then.id} else b${inst.else.id}`;
  }
}

export function printBlock(block: Block): string {
  const lines = [`b${block.id}:`];
  for (const inst of block.insts) lines.push(`  ${printInst(inst)}`);
  lines.push(`  ${block.term ? printInst(block.term) : "<no terminator>"}`);
  return lines.join("\n");
}

export function printFunction(fn: IrFunction): string {
  const stack = fn.stack.map((s) => `  s${s.id}: ${s.size} bytes align ${s.align} (${s.name})`);
  return [`function ${fn.name}`, ...stack, ...fn.blocks.map(printBlock)].join("\n");
}
