/**
 * `lookup`, `update`, `delete`, `increment`, `lookupOrInit` and `forEach` of the key/value maps (hash, array, per-CPU, LRU,
 * LPM trie).
 */
import { sizeOf } from "../../checker/layout.js";
import { intType, VOID } from "../../checker/types.js";
import { Codes } from "../../diagnostics/codes.js";
import type { IntKind } from "../../checker/kinds.js";
import { imm, type Block, type Operand, type VReg } from "../../ir/ir.js";
import { convertTo } from "../convert.js";
import { fail } from "../errors.js";
import { lowerExpr } from "../lower-expr.js";
import type { RValue } from "../values.js";
import { callHelper, keyArgument, u64Argument, unsupportedMethod, valueArgument, type MapCall } from "./call-support.js";
import { lowerForEach } from "./for-each.js";
import { MapHelper, NOEXIST } from "./helper-ids.js";

export function lowerKeyValueMethod(c: MapCall): RValue {
  switch (c.method) {
    case "lookup":
      return callHelper(c, MapHelper.lookup, [c.mapOperand, keyArgument(c, 0)], "ptr", c.map.value);
    case "update": {
      const key = keyArgument(c, 0);
      const value = valueArgument(c, 1);
      return callHelper(c, MapHelper.update, [c.mapOperand, key, value, u64Argument(c, 2)], "i64");
    }
    case "delete":
      return callHelper(c, MapHelper.delete, [c.mapOperand, keyArgument(c, 0)], "i64");
    case "increment":
      return lowerIncrement(c);
    case "lookupOrInit":
      return lowerLookupOrInit(c);
    case "forEach":
      return lowerForEach(c);
    default:
      return unsupportedMethod(c);
  }
}

/**
 * bcc's `increment`: look the key up; when absent insert a zero value (BPF_NOEXIST, so that a
 * concurrent insert wins) and look it up again; then add atomically in place.
 * Arrays have every key below max_entries from their creation and no other: a failed lookup
 * means an out-of-range key, which the insert would refuse too (E2BIG), so they only look up.
 */
function lowerIncrement(c: MapCall): RValue {
  const { L, map } = c;
  const value = map.value;
  if (value.tag !== "int" || (sizeOf(value) !== 4 && sizeOf(value) !== 8)) {
    fail(Codes.MapMethod, c.node, `${map.name}.increment() needs 32- or 64-bit integer values, not this map's`,
      "atomic adds exist for u32/i32/u64/i64 only: update the value through lookup() instead");
  }
  const kind = value.kind;
  const key = keyArgument(c, 0);
  const byNode = c.node.arguments[1];
  const by: Operand = byNode ? convertTo(L, lowerExpr(L, byNode, intType(kind)), intType(kind), byNode) : imm(1n, kind);
  const slot = L.b.newReg("ptr");
  L.b.emit({ op: "call", helper: MapHelper.lookup, args: [c.mapOperand, key], dst: slot });
  const add = L.b.newBlock();
  const done = L.b.newBlock();
  const insert = isArray(map.mapType) ? done : L.b.newBlock();
  L.b.terminate({ op: "cbr", cmp: "ne", kind: "ptr", a: { tag: "reg", reg: slot }, b: imm(0n, "ptr"), then: add, else: insert });
  if (insert === done) return finishIncrement(c, add, done, slot, by, kind);
  L.b.setBlock(insert);
  const zero = L.temps.acquire(8, 8, `${map.name} zero value`);
  c.temps.push(zero);
  L.b.emit({ op: "store", addr: { tag: "stack", object: zero, offset: 0 }, value: imm(0n, kind), kind });
  L.b.emit({ op: "call", helper: MapHelper.update, args: [c.mapOperand, key, { tag: "stack", object: zero, offset: 0 }, imm(NOEXIST, "u64")] });
  L.b.emit({ op: "call", helper: MapHelper.lookup, args: [c.mapOperand, key], dst: slot });
  L.b.terminate({ op: "cbr", cmp: "ne", kind: "ptr", a: { tag: "reg", reg: slot }, b: imm(0n, "ptr"), then: add, else: done });
  return finishIncrement(c, add, done, slot, by, kind);
}

/**
 * bcc's `lookup_or_try_init`: look the key up; on a miss insert `init` with BPF_NOEXIST (a
 * concurrent insert wins) and look it up again. The pointer is null only when the insert failed.
 * An array's keys all exist (or the key is out of range, which the insert would refuse too): a lookup.
 */
function lowerLookupOrInit(c: MapCall): RValue {
  const { L, map } = c;
  const key = keyArgument(c, 0);
  const slot = L.b.newReg("ptr");
  L.b.emit({ op: "call", helper: MapHelper.lookup, args: [c.mapOperand, key], dst: slot });
  if (!isArray(map.mapType)) {
    const insert = L.b.newBlock();
    const done = L.b.newBlock();
    L.b.terminate({ op: "cbr", cmp: "ne", kind: "ptr", a: { tag: "reg", reg: slot }, b: imm(0n, "ptr"), then: done, else: insert });
    L.b.setBlock(insert);
    const init = valueArgument(c, 1, "initial value");
    L.b.emit({ op: "call", helper: MapHelper.update, args: [c.mapOperand, key, init, imm(NOEXIST, "u64")] });
    L.b.emit({ op: "call", helper: MapHelper.lookup, args: [c.mapOperand, key], dst: slot });
    L.b.terminate({ op: "br", target: done });
    L.b.setBlock(done);
  }
  return { type: { tag: "ptr", pointee: map.value }, op: { tag: "reg", reg: slot } };
}

/** BPF_MAP_TYPE_ARRAY and BPF_MAP_TYPE_PERCPU_ARRAY. */
function isArray(mapType: number): boolean {
  return mapType === 2 || mapType === 6;
}

/** The atomic add in `add` (the slot is there), then on at `done`. */
function finishIncrement(c: MapCall, add: Block, done: Block, slot: VReg, by: Operand, kind: IntKind): RValue {
  const { L } = c;
  L.b.setBlock(add);
  L.b.emit({ op: "atomicAdd", addr: { tag: "reg", base: slot, offset: 0 }, value: by, kind });
  L.b.terminate({ op: "br", target: done });
  L.b.setBlock(done);
  return { type: VOID, op: imm(0n, "i64") };
}
