/**
 * Stack objects whose lifetimes do not overlap share frame bytes, as clang's stack colouring lets
 * them: a struct local of one branch and an array of the next loop need not both be in the
 * 512-byte frame (fuzzer seed 11005485 needed 528 bytes with one slot each).
 *
 * An object is live from a write to the last read that may see it, computed backwards over the
 * control flow like register liveness: a read (load, copy out of it, atomic operation) makes it
 * live, a write of all of it (zero-fill, whole copy, a store of its full size) ends its earlier
 * life. Two objects interfere when one is written where the other is live, or in the same
 * instruction. Accesses through a register that points into one object (an element at a variable
 * index) are that object's. An object whose address is used otherwise (a helper's or subprogram's
 * argument, a stored value) may be used anywhere through that pointer: it interferes with all.
 */
import { kindSize } from "../checker/kinds.js";
import { alignUp } from "../checker/layout.js";
import { successors, type Address, type Block, type Inst, type Operand, type StackObject, type Terminator, type VReg } from "../ir/ir.js";

interface Effect {
  reads: StackObject[];
  writes: StackObject[];
  /** Written whole: nothing it held before is seen after. */
  kills: StackObject[];
}

/**
 * Registers that point into one stack object: `&s0` moved or offset by an index (`a[i]` is
 * `%p = add &s0, i * 8`), read or written through only. Accesses through them are the object's.
 * Any other use of such an address (a call argument, a stored or compared value) lets it escape.
 */
function pointerProvenance(blocks: readonly Block[]): { into: Map<VReg, StackObject>; escaped: Set<StackObject> } {
  const sources = new Map<VReg, Set<StackObject>>();
  const objectsOf = (o: Operand): StackObject[] => (o.tag === "stack" ? [o.object] : o.tag === "reg" ? [...(sources.get(o.reg) ?? [])] : []);
  const derivation = (inst: Inst | Terminator): { dst: VReg; from: StackObject[] } | undefined => {
    if (inst.op === "mov") return { dst: inst.dst, from: objectsOf(inst.src) };
    if (inst.op === "bin" && (inst.bop === "add" || inst.bop === "sub")) {
      const a = objectsOf(inst.a);
      const b = objectsOf(inst.b);
      // ptr ± scalar only; `p - q` of two addresses is a number, and escapes below.
      if (b.length === 0 || (inst.bop === "add" && a.length === 0)) return { dst: inst.dst, from: [...a, ...b] };
    }
    return undefined;
  };
  const all = blocks.flatMap((b) => [...b.insts, ...(b.term ? [b.term] : [])]);
  for (let changed = true; changed;) {
    changed = false;
    for (const inst of all) {
      const d = derivation(inst);
      if (!d || d.from.length === 0) continue;
      const set = sources.get(d.dst) ?? new Set<StackObject>();
      for (const o of d.from) if (!set.has(o)) { set.add(o); changed = true; }
      sources.set(d.dst, set);
    }
  }
  const escaped = new Set<StackObject>();
  const escape = (o: Operand) => { for (const x of objectsOf(o)) escaped.add(x); };
  for (const inst of all) {
    const d = derivation(inst);
    if (d) continue; // the address moves into a register that is followed itself
    switch (inst.op) {
      case "store": case "atomicAdd": escape(inst.value); break;
      case "atomic": escape(inst.value); if (inst.expected) escape(inst.expected); break;
      case "bin": case "cmp": escape(inst.a); escape(inst.b); break;
      case "un": escape(inst.a); break;
      case "conv": escape(inst.src); break;
      case "mov": escape(inst.src); break;
      case "call": case "callsub": inst.args.forEach(escape); break;
      case "ret": escape(inst.value); break;
      case "cbr": escape(inst.a); escape(inst.b); break;
      default: break;
    }
  }
  const into = new Map<VReg, StackObject>();
  for (const [r, set] of sources) {
    if (set.size === 1) into.set(r, [...set][0]!);
    else for (const o of set) escaped.add(o); // which object an access touches is unknown
  }
  return { into, escaped };
}

function effectOf(inst: Inst | Terminator, into: Map<VReg, StackObject>): Effect {
  const e: Effect = { reads: [], writes: [], kills: [] };
  const onStack = (a: Address): StackObject | undefined => (a.tag === "stack" ? a.object : a.tag === "reg" ? into.get(a.base) : undefined);
  const whole = (a: Address, size: number) => {
    const object = onStack(a);
    if (object && a.tag === "stack" && a.offset === 0 && size >= object.size) e.kills.push(object);
  };
  const push = (list: StackObject[], a: Address) => { const o = onStack(a); if (o) list.push(o); };
  switch (inst.op) {
    case "load": push(e.reads, inst.addr); break;
    case "store": push(e.writes, inst.addr); whole(inst.addr, inst.kind === "ptr" ? 8 : kindSize(inst.kind)); break;
    case "zero": push(e.writes, inst.dst); whole(inst.dst, inst.size); break;
    case "copy": push(e.reads, inst.src); push(e.writes, inst.dst); whole(inst.dst, inst.size); break;
    case "atomicAdd": case "atomic": push(e.reads, inst.addr); push(e.writes, inst.addr); break;
    default: break;
  }
  return e;
}

/** Pairs of objects that may not share bytes (each set holds the other objects one interferes with). */
export function stackInterference(order: readonly Block[], objects: readonly StackObject[]): Map<StackObject, Set<StackObject>> {
  const conflicts = new Map<StackObject, Set<StackObject>>(objects.map((o) => [o, new Set()]));
  const conflict = (a: StackObject, b: StackObject) => {
    if (a === b) return;
    conflicts.get(a)?.add(b);
    conflicts.get(b)?.add(a);
  };
  const { into, escaped } = pointerProvenance(order);
  const effects = new Map<Block, Effect[]>(order.map((b) => [b, [...b.insts, ...(b.term ? [b.term] : [])].map((i) => effectOf(i, into))]));
  for (const o of escaped) for (const other of objects) conflict(o, other);

  // Backward liveness to a fixed point, then one more walk recording interference.
  const liveIn = new Map<Block, Set<StackObject>>(order.map((b) => [b, new Set()]));
  const walk = (block: Block, record: boolean): Set<StackObject> => {
    const live = new Set<StackObject>();
    for (const next of successors(block)) for (const o of liveIn.get(next) ?? []) live.add(o);
    const list = effects.get(block)!;
    for (let i = list.length - 1; i >= 0; i--) {
      const e = list[i]!;
      if (record) {
        for (const w of e.writes) {
          for (const o of live) conflict(w, o);
          for (const r of e.reads) conflict(w, r);
        }
      }
      for (const k of e.kills) live.delete(k);
      for (const r of e.reads) live.add(r);
    }
    return live;
  };
  for (let changed = true; changed;) {
    changed = false;
    for (let i = order.length - 1; i >= 0; i--) {
      const block = order[i]!;
      const live = walk(block, false);
      const before = liveIn.get(block)!;
      if (live.size !== before.size || [...live].some((o) => !before.has(o))) {
        liveIn.set(block, live);
        changed = true;
      }
    }
  }
  for (const block of order) walk(block, true);
  // Objects live at the entry are read before anything there writes them: keep them apart.
  const entry = [...(liveIn.get(order[0]!) ?? [])];
  for (const a of entry) for (const b of entry) conflict(a, b);
  return conflicts;
}

/**
 * Frame depths (distance from r10 to each object's first byte) with interfering objects apart:
 * larger objects first, each at the shallowest aligned depth below the spill slots that overlaps
 * no object it interferes with.
 */
export function placeObjects(objects: readonly StackObject[], conflicts: Map<StackObject, Set<StackObject>>, floor: number): { depth: Map<StackObject, number>; size: number } {
  const depth = new Map<StackObject, number>();
  let size = floor;
  const sorted = [...objects].sort((a, b) => b.size - a.size || a.id - b.id);
  for (const object of sorted) {
    const align = Math.max(object.align, 1);
    const placed = [...(conflicts.get(object) ?? [])].filter((o) => depth.has(o));
    const candidates = [alignUp(floor + object.size, align), ...placed.map((o) => alignUp(depth.get(o)! + object.size, align))].sort((a, b) => a - b);
    const fits = (d: number) => placed.every((o) => {
      const od = depth.get(o)!;
      return !(d - object.size < od && od - o.size < d);
    });
    const chosen = candidates.find(fits)!;
    depth.set(object, chosen);
    size = Math.max(size, chosen);
  }
  return { depth, size };
}
