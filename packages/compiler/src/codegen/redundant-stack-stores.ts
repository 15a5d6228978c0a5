/**
 * Stores into the frame that write what the slot already holds go: a map key stored for a lookup is
 * not stored again for the update or delete that follows (`*(u32 *)(r10 - 8) = r6` twice), nor a
 * constant stored again on another path. Clang keeps such a key in its slot; the verifier sees the
 * same slot state either way.
 *
 * A forward data flow over the selected instructions: which frame slots (offset, size) hold which
 * register's value or which constant, on every path. A fact ends where its register is redefined,
 * where a store may write the slot (an overlapping store through r10, any store through a register
 * that may hold a frame address), and at calls that may write the frame (a bpf-to-bpf call or kfunc,
 * a helper given a frame address, unless it only reads its arguments).
 */
import { Class, JmpOp, Mode, type Instruction } from "@tsbpf/object";
import { bit, effects, secondSlots, successorsOf, type RegMask } from "./machine-flow.js";
import { deleteInstructions } from "./forward-copies.js";
import type { MachineCode } from "./select.js";

/** Helpers that read the memory their pointer arguments name and write none of it. */
const READ_ONLY_HELPERS = new Set([
  1, // map_lookup_elem
  2, // map_update_elem
  3, // map_delete_elem
  6, // trace_printk
  25, // perf_event_output
  87, // map_push_elem
  130, // ringbuf_output
  177, // trace_vprintk
]);

interface State {
  /** "offset:size" → "r<n>" or "#<imm>". */
  slots: Map<string, string>;
  /** Registers that may hold an address in the frame. */
  frame: RegMask;
}

const SIZE_BYTES = [4, 2, 1, 8]; // BPF_W, BPF_H, BPF_B, BPF_DW by (code >> 3) & 3

function killOverlapping(slots: Map<string, string>, off: number, size: number): void {
  for (const key of [...slots.keys()]) {
    const [o, s] = key.split(":").map(Number) as [number, number];
    if (o < off + size && off < o + s) slots.delete(key);
  }
}

function killRegisters(slots: Map<string, string>, regs: RegMask): void {
  for (const [key, value] of [...slots]) if (value.startsWith("r") && regs & bit(Number(value.slice(1)))) slots.delete(key);
}

/** The state after one instruction. */
function transfer(insn: Instruction, second: boolean, args: number | undefined, input: State): State {
  if (second) return input;
  const slots = new Map(input.slots);
  let frame = input.frame;
  const cls = insn.code & 0x07;
  const fx = effects(insn, false, args);
  if (cls === Class.ST || cls === Class.STX) {
    const atomic = (insn.code & 0xe0) === Mode.ATOMIC;
    const size = SIZE_BYTES[(insn.code >> 3) & 3]!;
    if (insn.dst === 10 && !atomic) {
      killOverlapping(slots, insn.off, size);
      const value = cls === Class.STX ? (insn.src === 10 ? undefined : `r${insn.src}`) : `#${insn.imm}`;
      if (value) slots.set(`${insn.off}:${size}`, value);
    } else if (insn.dst === 10 || frame & bit(insn.dst)) {
      slots.clear();
    }
    killRegisters(slots, fx.defs);
    frame &= ~fx.defs;
    return { slots, frame };
  }
  if (cls === Class.JMP && (insn.code & 0xf0) === JmpOp.CALL) {
    const passed = args === undefined ? 0b111110 : 0b111110 & ((1 << (args + 1)) - 1);
    if (insn.src !== 0 || (!READ_ONLY_HELPERS.has(insn.imm) && frame & passed)) slots.clear();
    killRegisters(slots, fx.defs);
    frame &= ~fx.defs;
    if (insn.src !== 0) frame |= 1; // a subprogram may return a pointer it was given
    return { slots, frame };
  }
  if (fx.defs) {
    killRegisters(slots, fx.defs);
    // Which defined registers may now hold a frame address: copies and offsets of one, and 8-byte
    // reloads from the frame (a spilled address).
    let next = frame & ~fx.defs;
    const alu = cls === Class.ALU64 && (insn.code & 0x08) !== 0 ? insn.src : -1;
    if (cls === Class.ALU64) {
      const op = insn.code & 0xf0;
      const fromFrame = (r: number) => r === 10 || (frame & bit(r)) !== 0;
      if (op === 0xb0 /* mov */ && alu >= 0 && fromFrame(alu)) next |= bit(insn.dst);
      else if ((op === 0x00 || op === 0x10) /* add, sub */ && (fromFrame(insn.dst) || (alu >= 0 && fromFrame(alu)))) next |= bit(insn.dst);
    } else if (cls === Class.LDX && (insn.src === 10 || frame & bit(insn.src)) && ((insn.code >> 3) & 3) === 3) {
      next |= bit(insn.dst);
    } else if (cls === Class.LD && (insn.code & 0xe0) !== 0) {
      slots.clear(); // legacy packet loads: a call in disguise
    }
    frame = next;
  }
  return { slots, frame };
}

function meet(a: State, b: State): State {
  const slots = new Map<string, string>();
  for (const [key, value] of a.slots) if (b.slots.get(key) === value) slots.set(key, value);
  return { slots, frame: a.frame | b.frame };
}

function same(a: State, b: State): boolean {
  if (a.frame !== b.frame || a.slots.size !== b.slots.size) return false;
  for (const [key, value] of a.slots) if (b.slots.get(key) !== value) return false;
  return true;
}

export function removeRedundantStackStores(code: MachineCode): MachineCode {
  const insns = code.insns;
  const n = insns.length;
  if (n === 0) return code;
  const second = secondSlots(insns);
  const argCounts = new Map(code.argCounts?.map((a) => [a.instruction, a.count]));
  const succ = successorsOf(insns, second);
  const input: (State | undefined)[] = new Array(n);
  // r1 (the context or an argument) may be a frame address in a subprogram: assume so.
  input[0] = { slots: new Map(), frame: 0b111110 };
  const work = [0];
  const queued = new Set(work);
  while (work.length > 0) {
    const i = work.shift()!;
    queued.delete(i);
    const out = transfer(insns[i]!, second[i]!, argCounts.get(i), input[i]!);
    for (const t of succ[i]!) {
      const merged = input[t] ? meet(input[t]!, out) : out;
      if (!input[t] || !same(merged, input[t]!)) {
        input[t] = merged;
        if (!queued.has(t)) {
          queued.add(t);
          work.push(t);
        }
      }
    }
  }
  const removed = new Set<number>();
  insns.forEach((insn, i) => {
    const state = input[i];
    if (second[i] || !state) return;
    const cls = insn.code & 0x07;
    if ((cls !== Class.ST && cls !== Class.STX) || insn.dst !== 10 || (insn.code & 0xe0) !== Mode.MEM) return;
    const size = SIZE_BYTES[(insn.code >> 3) & 3]!;
    const value = cls === Class.STX ? `r${insn.src}` : `#${insn.imm}`;
    if (state.slots.get(`${insn.off}:${size}`) === value) removed.add(i);
  });
  return removed.size > 0 ? deleteInstructions(code, removed) : code;
}
