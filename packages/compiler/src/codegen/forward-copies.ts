/**
 * Copy forwarding on selected instructions: `rS = ...; (rS op= ...)*; rD = rS` with rS dead
 * afterwards becomes `rD = ...; (rD op= ...)*`, so that a value is computed in the register that
 * wants it (a call's argument register, the home of the variable it is copied into) instead of
 * being copied there: the leftover `r4 = r0; r7 = r4` and `r4 = r8; r4 += 8; r1 = r4` of a
 * linear-scan allocator that decides one virtual register at a time. Only straight-line code is
 * rewritten (no call, jump or jump target between the definition and the copy), so renaming is
 * exact; removed instructions shift jump offsets, line, CO-RE, map and call indexes.
 */
import { AluOp, Class, Source, type Instruction } from "@tsbpf/object";
import { bit, effects, jumpTarget, liveAfter, secondSlots, successorsOf } from "./machine-flow.js";
import type { MachineCode } from "./select.js";

const isMov64Reg = (insn: Instruction): boolean => insn.code === (Class.ALU64 | AluOp.MOV | Source.X) && insn.off === 0;

export function forwardCopies(code: MachineCode): MachineCode {
  let current = code;
  // Each round removes copies whose rewrites do not overlap; a few rounds reach the fixed point.
  for (let round = 0; round < 8; round++) {
    const backward = forwardRound(current);
    if (backward.size > 0) current = deleteInstructions(current, backward);
    const forward = propagateRound(current);
    if (forward.size > 0) current = deleteInstructions(current, forward);
    if (backward.size === 0 && forward.size === 0) break;
  }
  return current;
}

/**
 * The other direction: `rD = rS` whose rD, while it lives, is read only where nothing redefines rS
 * (and reached from nowhere else) reads rS instead, and the copy goes: a lookup's `r6 = r0; if r6
 * == 0 ...; *(u64 *)(r6 + 0)` uses r0 throughout, as clang's code does.
 */
function propagateRound(code: MachineCode): Set<number> {
  const insns = code.insns;
  const second = secondSlots(insns);
  const argCounts = new Map(code.argCounts?.map((a) => [a.instruction, a.count]));
  const live = liveAfter(insns, second, argCounts);
  const succ = successorsOf(insns, second);
  const preds = insns.map(() => [] as number[]);
  succ.forEach((list, i) => list.forEach((t) => preds[t]?.push(i)));
  const fx = insns.map((insn, i) => effects(insn, second[i], argCounts.get(i)));
  const liveIn = (j: number): number => (live[j]! & ~fx[j]!.defs) | fx[j]!.uses;
  const removed = new Set<number>();
  const touched = new Set<number>();
  for (let i = 0; i < insns.length; i++) {
    const copy = insns[i]!;
    if (second[i] || !isMov64Reg(copy) || copy.src === copy.dst || copy.src === 10 || copy.dst === 10) continue;
    const S = copy.src;
    const D = copy.dst;
    if (touched.has(i)) continue;
    // A copy others jump to: only when S dies there (no path into it needs S afterwards).
    if ((preds[i]!.some((p) => p !== i - 1) || (i > 0 && !succ[i - 1]!.includes(i))) && live[i]! & bit(S)) continue;
    // When the copy is S's last read, D may change inside the region too (`r5 = r0; r5 >>= 32`
    // becomes `r0 >>= 32`, as clang shifts a call's result in place): S is D's new name throughout.
    const sDead = !(live[i]! & bit(S));
    // The region where this copy's D lives.
    const region = new Set<number>();
    const lastUse = new Set<number>();
    const work = succ[i]!.filter((j) => liveIn(j) & bit(D));
    let ok = true;
    while (work.length > 0 && ok) {
      const j = work.pop()!;
      if (region.has(j)) continue;
      region.add(j);
      if (touched.has(j)) ok = false;
      else if (second[j]) {
        // the second half of an ld_imm64: nothing to rename, nothing read
      }
      else if (fx[j]!.defs & bit(D)) {
        // `rD = *(u64 *)(rD + 80)` ends D's life: only its address is renamed (`r6 = r1; r6 =
        // *(u64 *)(r6 + 80)` becomes `r6 = *(u64 *)(r1 + 80)`).
        if ((insns[j]!.code & 0x07) === Class.LDX && !(fx[j]!.defs & bit(S) && live[j]! & bit(D))) lastUse.add(j);
        // Otherwise renamed with the rest when S is free (D may live on after it).
        else if (!sDead || fx[j]!.defs & bit(S) || fx[j]!.barrier) ok = false;
      }
      else if (fx[j]!.defs & bit(S) && live[j]! & bit(D)) ok = false;
      else if (isCallOrExit(insns[j]!) && fx[j]!.uses & bit(D)) ok = false; // implicit reads cannot be renamed
      if (ok && !lastUse.has(j)) for (const t of succ[j]!) if (liveIn(t) & bit(D)) work.push(t);
    }
    // Every way into the region must come through the copy (and not through a load that ended D's life).
    if (ok) for (const j of region) if (preds[j]!.some((p) => (p !== i && !region.has(p)) || lastUse.has(p))) ok = false;
    if (!ok) continue;
    for (const j of region) {
      if (second[j]) continue;
      const insn = insns[j]!;
      if (insn.dst === D && !lastUse.has(j)) insn.dst = S;
      if (insn.src === D && usesSrcRegister(insn)) insn.src = S;
      touched.add(j);
    }
    removed.add(i);
    touched.add(i);
  }
  return removed;
}

function isCallOrExit(insn: Instruction): boolean {
  return (insn.code & 0x07) === Class.JMP && ((insn.code & 0xf0) === 0x80 || (insn.code & 0xf0) === 0x90);
}

function forwardRound(code: MachineCode): Set<number> {
  const insns = code.insns;
  const second = secondSlots(insns);
  const live = liveAfter(insns, second, new Map(code.argCounts?.map((a) => [a.instruction, a.count])));
  const targets = new Set<number>();
  insns.forEach((_, i) => {
    const t = second[i] ? undefined : jumpTarget(insns, i);
    if (t !== undefined) targets.add(t);
  });
  const removed = new Set<number>();
  let lastTouched = -1; // rewrites in one round stay apart: liveness was computed before any
  for (let i = 0; i < insns.length; i++) {
    const copy = insns[i]!;
    if (second[i]) continue;
    if (copy.dst === copy.src && isMov64Reg(copy)) {
      removed.add(i); // `r = r`
      continue;
    }
    if (!isMov64Reg(copy) || copy.src === 10 || copy.dst === 10) continue;
    const S = copy.src;
    const D = copy.dst;
    if (live[i]! & bit(S)) continue;
    if (targets.has(i)) continue;
    // Walk back to the instruction that defines S outright.
    let def = -1;
    for (let j = i - 1; j > lastTouched; j--) {
      if (targets.has(j + 1) && j + 1 !== i) break; // something jumps into the stretch
      if (second[j]) continue;
      const fx = effects(insns[j]!, false);
      if (fx.barrier) break;
      if ((fx.uses | fx.defs) & bit(D)) break;
      if (fx.defs & bit(S)) {
        // A load through S itself (`rS = *(u64 *)(rS + 24)`) defines it outright too: only its
        // destination is renamed, the address is read before.
        if (!(fx.uses & bit(S)) || (insns[j]!.code & 0x07) === Class.LDX) {
          const cls = insns[j]!.code & 0x07;
          if (cls === Class.ALU || cls === Class.ALU64 || cls === Class.LDX || cls === Class.LD) def = j;
          break;
        }
        // A read-modify-write of S (rS += 8): renamed with the rest; keep looking for the definition.
      }
    }
    if (def < 0) continue;
    insns[def]!.dst = D;
    for (let j = def + 1; j < i; j++) {
      if (second[j]) continue;
      const insn = insns[j]!;
      if (insn.dst === S) insn.dst = D;
      if (insn.src === S && usesSrcRegister(insn)) insn.src = D;
    }
    removed.add(i);
    lastTouched = i;
  }
  return removed;
}

/** Whether an instruction's src field names a register (and not a pseudo source or nothing). */
function usesSrcRegister(insn: Instruction): boolean {
  const cls = insn.code & 0x07;
  if (cls === Class.LDX || cls === Class.STX) return true;
  if (cls === Class.ALU || cls === Class.ALU64 || cls === Class.JMP || cls === Class.JMP32) return (insn.code & 0x08) === Source.X;
  return false;
}

/** The code without the instructions at `removed` (none of them a jump, call, ld_imm64 or relocated). */
export function deleteInstructions(code: MachineCode, removed: ReadonlySet<number>): MachineCode {
  const n = code.insns.length;
  // newIndex[i]: where old instruction i (or, if it is removed, the next kept one) ends up.
  const newIndex = new Array<number>(n + 1);
  let kept = 0;
  for (let i = 0; i < n; i++) {
    newIndex[i] = kept;
    if (!removed.has(i)) kept++;
  }
  newIndex[n] = kept;
  const second = secondSlots(code.insns);
  const insns: Instruction[] = [];
  code.insns.forEach((insn, i) => {
    if (removed.has(i)) return;
    const t = second[i] ? undefined : jumpTarget(code.insns, i);
    if (t !== undefined) {
      const off = newIndex[t]! - (newIndex[i]! + 1);
      if ((insn.code & 0x07) === Class.JMP32 && (insn.code & 0xf0) === 0) insn.imm = off;
      else insn.off = off;
    }
    insns.push(insn);
  });
  const lines: MachineCode["lines"] = [];
  for (const line of code.lines) {
    const at = newIndex[line.instruction]!;
    if (at >= insns.length) continue;
    const last = lines[lines.length - 1];
    // Two positions now on one instruction: the later one is that instruction's own.
    if (last && last.instruction === at) last.loc = line.loc;
    else lines.push({ instruction: at, loc: line.loc });
  }
  return {
    insns,
    lines,
    mapRefs: code.mapRefs.map((m) => ({ ...m, instruction: newIndex[m.instruction]! })),
    calls: code.calls.map((c) => ({ ...c, instruction: newIndex[c.instruction]! })),
    cores: code.cores.map((c) => ({ ...c, instruction: newIndex[c.instruction]! })),
    argCounts: code.argCounts?.map((c) => ({ ...c, instruction: newIndex[c.instruction]! })),
  };
}
