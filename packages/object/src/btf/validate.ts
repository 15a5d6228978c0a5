/**
 * The checks the kernel makes of a BTF blob before it accepts it (kernel/bpf/btf.c: the
 * per-kind `check_meta`, then `btf_check_all_types` resolving every type), applied to a decoded
 * model so that what the decoder accepts is what the query layer and the runtime can walk
 * without surprises: every referenced id exists, no chain of modifiers, pointers, arrays or
 * by-value members leads back to itself, arrays, members and variables have sized types (no
 * array of functions), array sizes do not overflow, members fit their struct.
 *
 * Kept looser than the kernel where real toolchains write BTF that libbpf fixes up before the
 * kernel sees it: DATASEC entries may be FUNCs (clang's `.ksyms`), and their offsets and sizes
 * are not checked (clang writes zeros there for libbpf to fill in).
 */
import { ObjectFormatError } from "../errors.js";
import type { Btf, BtfType } from "./types.js";

const MAX_U32 = 0xffffffff;
/** BTF_MAX_TYPE: type ids are 20 bits wide in the kernel. */
const MAX_TYPE_ID = 0x000fffff;

type Lookup = (id: number) => BtfType | undefined;

function lookupOf(btf: Btf): Lookup {
  if (btf.base === undefined && (btf.firstTypeId ?? 1) === 1) {
    const types = btf.types;
    return (id) => types[id - 1];
  }
  const chain: Btf[] = [];
  for (let b: Btf | undefined = btf; b !== undefined; b = b.base) chain.push(b);
  return (id) => {
    for (const b of chain) {
      const first = b.firstTypeId ?? 1;
      if (id >= first) return b.types[id - first];
    }
    return undefined;
  };
}

const isModifier = (t: BtfType): boolean =>
  t.kind === "typedef" || t.kind === "const" || t.kind === "volatile" || t.kind === "restrict" || t.kind === "type_tag";

/** Kinds only a DATASEC or a tag may point at (the kernel's "resolve source only"). */
const isSourceOnly = (t: BtfType): boolean => t.kind === "var" || t.kind === "datasec" || t.kind === "decl_tag";

/**
 * The ids a type's resolution follows, in each of the kernel's resolve modes: where a cycle is a
 * loop the kernel refuses. Resolving a pointer follows modifiers and pointers, and stops at a
 * struct or an array (a struct may point at itself); resolving a struct or an array follows
 * modifiers, arrays and by-value members, and stops at a pointer (it may not contain itself).
 * `edge(t, mode, k)` is the k-th such id (unfiltered), -1 past the last: no arrays allocated.
 */
function edge(t: BtfType, mode: Mode, k: number): number {
  switch (t.kind) {
    case "typedef":
    case "const":
    case "volatile":
    case "restrict":
    case "type_tag":
      return k === 0 ? t.type : -1;
    case "ptr":
      return mode === PTR && k === 0 ? t.type : -1;
    case "var":
      return mode === AGGREGATE && k === 0 ? t.type : -1;
    case "array":
      return mode === AGGREGATE && k < 2 ? (k === 0 ? t.type : t.indexType) : -1;
    case "struct":
    case "union":
      return mode === AGGREGATE && k < t.members.length ? t.members[k]!.type : -1;
    default:
      return -1;
  }
}

/** Whether resolution in `mode` continues into `t` (else `t` is a sink: resolved on its own). */
function follows(t: BtfType, mode: Mode): boolean {
  if (isModifier(t)) return true;
  return mode === PTR ? t.kind === "ptr" : t.kind === "array" || t.kind === "struct" || t.kind === "union" || t.kind === "var";
}

type Mode = 0 | 1;
const PTR: Mode = 0;
const AGGREGATE: Mode = 1;

/**
 * Calls `check(ref, what)` for every id a type refers to; `what` is built only on failure, so
 * the walk over a vmlinux-sized BTF allocates nothing per reference.
 */
function forEachReference(t: BtfType, check: (ref: number, what: () => string) => void): void {
  switch (t.kind) {
    case "ptr":
    case "typedef":
    case "const":
    case "volatile":
    case "restrict":
    case "type_tag":
    case "func":
    case "var":
    case "decl_tag":
      check(t.type, () => "type");
      return;
    case "array":
      check(t.type, () => "element type");
      check(t.indexType, () => "index type");
      return;
    case "struct":
    case "union": {
      const members = t.members;
      for (let i = 0; i < members.length; i++) check(members[i]!.type, () => `member #${i} '${members[i]!.name}'`);
      return;
    }
    case "func_proto":
      check(t.returnType, () => "return type");
      for (let i = 0; i < t.params.length; i++) check(t.params[i]!.type, () => `parameter #${i}`);
      return;
    case "datasec":
      for (let i = 0; i < t.vars.length; i++) check(t.vars[i]!.type, () => `entry #${i}`);
      return;
    default:
      return;
  }
}

/**
 * Throws an ObjectFormatError naming the first type (by id) the kernel would refuse. `section`
 * names the blob in the message. The base of a split BTF is assumed valid (it was checked when
 * it was decoded); references into it are followed.
 */
export function validateBtf(btf: Btf, section = ".BTF"): void {
  const first = btf.firstTypeId ?? 1;
  const last = first + btf.types.length - 1;
  if (last > MAX_TYPE_ID) throw new ObjectFormatError(section, `${last} types is more than the kernel's ${MAX_TYPE_ID}`);
  const lookup = lookupOf(btf);
  const fail = (id: number, t: BtfType, message: string): never => {
    throw new ObjectFormatError(section, `type [${id}] (${t.kind}${"name" in t && t.name ? ` ${t.name}` : ""}): ${message}`);
  };

  // 1. References and per-kind rules (the kernel's check_meta and the kind checks of resolve).
  let id = first;
  let t: BtfType = undefined!;
  const dangling = (ref: number, what: () => string): void => {
    if (ref > last) fail(id, t, `${what()} refers to type id ${ref}, which does not exist (the last is ${last})`);
  };
  const failHere = (message: string): never => fail(id, t, message);
  for (let i = 0; i < btf.types.length; i++, id++) {
    t = btf.types[i]!;
    forEachReference(t, dangling);
    checkKind(t, lookup, failHere);
  }

  // 2. Loops through modifiers and pointers, or through modifiers, arrays and by-value members
  //    (iterative DFS, three colours, once per resolve mode; the stack in typed arrays).
  const n = btf.types.length;
  const stackIndex = new Int32Array(n);
  const stackAt = new Int32Array(n);
  for (const mode of [PTR, AGGREGATE]) {
    const state = new Uint8Array(n); // 0 new, 1 on the stack, 2 done
    for (let i = 0; i < n; i++) {
      if (state[i] !== 0 || !follows(btf.types[i]!, mode)) continue;
      let depth = 0;
      stackIndex[0] = i;
      stackAt[0] = 0;
      state[i] = 1;
      while (depth >= 0) {
        const top = btf.types[stackIndex[depth]!]!;
        const ref = edge(top, mode, stackAt[depth]!++);
        if (ref < 0) {
          state[stackIndex[depth]!] = 2;
          depth--;
          continue;
        }
        const next = ref - first;
        if (next < 0 || next >= n) continue; // void, or a base type (the base was checked on its own)
        const target = btf.types[next]!;
        if (!follows(target, mode)) continue;
        if (state[next] === 1) {
          const what = mode === PTR ? "modifiers and pointers" : "modifiers, arrays and by-value members";
          fail(first + next, target, `loop detected: the type refers back to itself through ${what}`);
        }
        if (state[next] === 0) {
          state[next] = 1;
          depth++;
          stackIndex[depth] = next;
          stackAt[depth] = 0;
        }
      }
    }
  }

  // 3. Sizes, now that every chain ends: arrays that overflow 32 bits, members outside their struct.
  const sizeOf = sizeTable(lookup, first, last);
  btf.types.forEach((t, i) => {
    const id = first + i;
    if (t.kind === "array") {
      const elem = sizeOf(t.type);
      if (elem === undefined) fail(id, t, `element type ${t.type} has no size (an array of ${lookup(t.type)?.kind ?? "void"})`);
      if (elem! * t.nelems > MAX_U32) fail(id, t, `${t.nelems} elements of ${elem} bytes overflow 32 bits`);
    } else if (t.kind === "struct" || t.kind === "union") {
      t.members.forEach((m, k) => {
        const size = sizeOf(m.type);
        if (size === undefined) fail(id, t, `member #${k} '${m.name}' has a type without a size (${lookup(m.type)?.kind ?? "void"})`);
        const endBits = m.bitfieldSize !== 0 ? m.bitOffset + m.bitfieldSize : m.bitOffset + size! * 8;
        if (endBits > t.size * 8) fail(id, t, `member #${k} '${m.name}' ends at bit ${endBits}, past the ${t.size}-byte ${t.kind}`);
      });
    } else if (t.kind === "var") {
      if (sizeOf(t.type) === undefined) fail(id, t, `its type ${t.type} has no size`);
    } else if (t.kind === "func_proto") {
      if (t.returnType !== 0 && sizeOf(t.returnType) === undefined) fail(id, t, `return type ${t.returnType} has no size`);
      t.params.forEach((p, k) => {
        // A last parameter of type 0 is C's `...`.
        if (p.type === 0 && k === t.params.length - 1 && p.name === "") return;
        if (sizeOf(p.type) === undefined) fail(id, t, `parameter #${k} has a type without a size`);
      });
    }
  });
}

/** The kernel's per-kind rules that need no sizes. */
function checkKind(t: BtfType, lookup: Lookup, fail: (message: string) => never): void {
  switch (t.kind) {
    case "int": {
      if (t.bits + t.offset > 128) fail(`${t.offset} + ${t.bits} bits is more than 128`);
      if (Math.ceil((t.bits + t.offset) / 8) > t.size) fail(`${t.offset + t.bits} bits do not fit ${t.size} bytes`);
      if (Number(t.signed) + Number(t.char) + Number(t.bool) > 1) fail("more than one of signed, char and bool");
      return;
    }
    case "enum":
      if (t.size !== 1 && t.size !== 2 && t.size !== 4 && t.size !== 8) fail(`size ${t.size} (an enum has 1, 2, 4 or 8 bytes)`);
      return;
    case "enum64":
      if (t.size !== 1 && t.size !== 2 && t.size !== 4 && t.size !== 8) fail(`size ${t.size} (an enum64 has 1, 2, 4 or 8 bytes)`);
      return;
    case "float":
      if (t.size !== 2 && t.size !== 4 && t.size !== 8 && t.size !== 12 && t.size !== 16) fail(`size ${t.size} (a float has 2, 4, 8, 12 or 16 bytes)`);
      return;
    case "array": {
      if (t.type === 0) fail("element type is void");
      const index = resolve(t.indexType, lookup);
      if (index?.kind !== "int") fail(`index type ${t.indexType} is not an integer`);
      return;
    }
    case "func": {
      if (lookup(t.type)?.kind !== "func_proto") fail(`type ${t.type} is not a FUNC_PROTO`);
      if (t.linkage > 2) fail(`linkage ${t.linkage} is not static, global or extern`);
      return;
    }
    case "var":
      if (t.linkage > 2) fail(`linkage ${t.linkage} is not static, global or extern`);
      return;
    case "typedef":
    case "const":
    case "volatile":
    case "restrict":
    case "type_tag":
    case "ptr": {
      const next = lookup(t.type);
      if (next !== undefined && (isSourceOnly(next) || next.kind === "func")) fail(`refers to a ${next.kind}`);
      return;
    }
    case "struct":
    case "union":
      for (const m of t.members) {
        if (m.type === 0) fail(`member '${m.name}' is void`);
        const next = lookup(m.type);
        if (next !== undefined && isSourceOnly(next)) fail(`member '${m.name}' is a ${next.kind}`);
      }
      return;
    case "datasec":
      for (const v of t.vars) {
        const kind = lookup(v.type)?.kind;
        if (kind !== "var" && kind !== "func") fail(`entry of type ${v.type} is a ${kind ?? "void"}, not a VAR`);
      }
      return;
    case "decl_tag": {
      const target = lookup(t.type);
      if (target === undefined) fail("tags void");
      const count =
        target!.kind === "struct" || target!.kind === "union"
          ? target!.members.length
          : target!.kind === "func"
            ? (lookup(target!.type) as { params?: unknown[] } | undefined)?.params?.length ?? 0
            : 0;
      if (t.componentIdx !== -1 && (t.componentIdx < 0 || t.componentIdx >= count)) fail(`component index ${t.componentIdx} is out of range`);
      return;
    }
    default:
      return;
  }
}

/** Follows modifiers (bounded: loops are reported by the DFS, which runs after this). */
function resolve(id: number, lookup: Lookup): BtfType | undefined {
  for (let depth = 0; depth < 64; depth++) {
    const t = lookup(id);
    if (t === undefined || !isModifier(t)) return t;
    id = (t as { type: number }).type;
  }
  return undefined;
}

/**
 * Size in bytes of a type id (undefined for sizeless kinds: void, fwd, func, func_proto),
 * memoised, and iterative so that a long chain of typedefs cannot exhaust the stack.
 */
function sizeTable(lookup: Lookup, first: number, last: number): (id: number) => number | undefined {
  // Own types by index (NaN: not known yet, -1: no size); base types, rarely asked, in a Map.
  const own = new Float64Array(last - first + 1).fill(NaN);
  const base = new Map<number, number>();
  const sizes = {
    get: (id: number): number | undefined => {
      if (id < first) return base.get(id);
      const v = own[id - first];
      return v === undefined || Number.isNaN(v) ? undefined : v;
    },
    set: (id: number, v: number): void => {
      if (id < first) base.set(id, v);
      else own[id - first] = v;
    },
  };
  return (id) => {
    const path: number[] = [];
    let size: number | undefined;
    for (let cur = id; ; ) {
      const memo = sizes.get(cur);
      if (memo !== undefined) {
        size = memo < 0 ? undefined : memo;
        break;
      }
      const t = lookup(cur);
      if (t === undefined) break;
      if (t.kind === "array" || t.kind === "var" || isModifier(t)) {
        // Chains are loop-free once checked; the bound only guards a base that was not.
        if (path.length > last) break;
        path.push(cur);
        cur = (t as { type: number }).type;
        continue;
      }
      size = t.kind === "ptr" ? 8 : "size" in t ? t.size : undefined;
      sizes.set(cur, size ?? -1);
      break;
    }
    for (let i = path.length - 1; i >= 0; i--) {
      const t = lookup(path[i]!)!;
      if (t.kind === "array" && size !== undefined) size *= t.nelems;
      sizes.set(path[i]!, size ?? -1);
    }
    return size;
  };
}
