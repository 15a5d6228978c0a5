/**
 * A branch whose two arms do the same thing: `c ? x : x`, `if (c) { a = b } else { a = b }`, or
 * arms that became alike after folding (`(d == a) ? d : d`). Both arms are blocks with the same
 * instructions that jump to the same block, so the test decides nothing: the branch becomes a
 * jump to one arm. clang does the same; left in, each such test doubles the paths the verifier
 * walks through a loop body (fuzzer seed 11013432 ran past a million processed instructions).
 */
import { instDef, instUses, type Address, type Block, type Inst, type IrFunction, type Operand, type Terminator, type VReg } from "../ir/ir.js";

/** A register's name in a key: `def` when the instruction writes it. */
type Namer = (r: VReg, def: boolean) => string;

function operandKey(o: Operand, name: Namer): string {
  switch (o.tag) {
    case "reg": return name(o.reg, false);
    case "imm": return `i${o.value}:${o.kind}`;
    case "stack": return `s${o.object.id}+${o.offset}`;
    case "map": return `m${o.map}:${o.ref}+${o.offset}`;
    case "func": return `f${o.name}`;
  }
}

function addressKey(a: Address, name: Namer): string {
  if (a.tag === "reg") return `[${name(a.base, false)}+${a.offset}]`;
  if (a.tag === "stack") return `[s${a.object.id}+${a.offset}]`;
  return `[g${a.map}+${a.offset}]`;
}

/** A structural key of an instruction (source locations left out), or undefined for kinds not compared. */
function instKey(inst: Inst | Terminator, name: Namer): string | undefined {
  const o = (x: Operand) => operandKey(x, name);
  const a = (x: Address) => addressKey(x, name);
  // Operands first: an instruction reads before it writes (`%1 = add %1, 1`).
  switch (inst.op) {
    case "mov": { const src = o(inst.src); return `mov ${src} ${name(inst.dst, true)}`; }
    case "bin": { const x = o(inst.a); const y = o(inst.b); return `bin ${inst.bop} ${inst.kind} ${x} ${y} ${name(inst.dst, true)}`; }
    case "un": { const x = o(inst.a); return `un ${inst.uop} ${inst.kind} ${x} ${name(inst.dst, true)}`; }
    case "conv": { const x = o(inst.src); return `conv ${inst.from} ${inst.to} ${x} ${name(inst.dst, true)}`; }
    case "cmp": { const x = o(inst.a); const y = o(inst.b); return `cmp ${inst.cmp} ${inst.kind} ${x} ${y} ${name(inst.dst, true)}`; }
    case "load": { if (inst.relo) return undefined; const x = a(inst.addr); return `load ${inst.kind} ${x} ${name(inst.dst, true)}`; }
    case "store": return `store ${inst.kind} ${a(inst.addr)} ${o(inst.value)}`;
    case "zero": return `zero ${a(inst.dst)} ${inst.size}`;
    case "copy": return `copy ${a(inst.dst)} ${a(inst.src)} ${inst.size}`;
    case "br": return `br b${inst.target.id}`;
    case "ret": return `ret ${o(inst.value)}`;
    // Calls, atomics, relocated values and nested branches are not compared: rare in both arms alike.
    default: return undefined;
  }
}

/**
 * The keys of a block's instructions, registers that live only inside the block (temporaries:
 * every read and write of them is in it, written before read) named by the order of their
 * writes, so that two arms computing the same into different temporaries are alike.
 */
function blockKeys(block: Block, local: (r: VReg) => boolean): string[] | undefined {
  const names = new Map<VReg, string>();
  let unmatched = 0;
  const name: Namer = (r, def) => {
    if (!local(r)) return `r${r.id}`;
    const known = names.get(r);
    if (known) return known;
    if (!def) return `?${unmatched++}:${block.id}`; // read before written here: never alike
    const fresh = `t${names.size}`;
    names.set(r, fresh);
    return fresh;
  };
  const keys: string[] = [];
  for (const inst of [...block.insts, ...(block.term ? [block.term] : [])]) {
    const key = instKey(inst, name);
    if (key === undefined) return undefined;
    keys.push(key);
  }
  return keys;
}

export function mergeSameArms(fn: IrFunction): boolean {
  // Most branches have arms of different lengths: only the others are worth the register census.
  const candidates = fn.blocks.filter((block) => {
    const term = block.term;
    return term?.op === "cbr" && term.then !== term.else && term.then !== block && term.else !== block
      && term.then.insts.length === term.else.insts.length && term.then.term?.op === term.else.term?.op;
  });
  if (candidates.length === 0) return false;
  // The one block each register is read or written in, or null when it appears in several.
  const home = new Map<VReg, Block | null>();
  for (const block of fn.blocks) {
    for (const inst of [...block.insts, ...(block.term ? [block.term] : [])]) {
      const def = inst.op === "ret" || inst.op === "br" || inst.op === "cbr" ? undefined : instDef(inst);
      for (const r of [...instUses(inst), ...(def ? [def] : [])]) {
        const seen = home.get(r);
        if (seen === undefined) home.set(r, block);
        else if (seen !== block) home.set(r, null);
      }
    }
  }
  const local = (r: VReg) => home.get(r) !== null;
  let changed = false;
  for (const block of candidates) {
    const term = block.term;
    if (term?.op !== "cbr") continue;
    const a = blockKeys(term.then, local);
    const b = blockKeys(term.else, local);
    if (!a || !b || a.length !== b.length || a.some((k, i) => k !== b[i])) continue;
    block.term = { op: "br", target: term.then };
    if (term.loc) block.term.loc = term.loc;
    changed = true;
  }
  return changed;
}
