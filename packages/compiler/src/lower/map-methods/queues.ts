/**
 * Queues, stacks and bloom filters: `push`, `pop`, `peek` (and the bloom filter's `has`). `pop`
 * and `peek` copy the element into a stack slot of the program and give a pointer to it, or null
 * when the map is empty.
 */
import { alignOf, sizeOf } from "../../checker/layout.js";
import { intType, ptrTo } from "../../checker/types.js";
import { imm } from "../../ir/ir.js";
import type { RValue } from "../values.js";
import { callHelper, u64Argument, unsupportedMethod, valueArgument, type MapCall } from "./call-support.js";
import { MapHelper } from "./helper-ids.js";

export function lowerQueueMethod(c: MapCall): RValue {
  const bloom = c.map.dslClass === "BloomFilter";
  switch (c.method) {
    case "push": {
      const value = valueArgument(c, 0);
      return callHelper(c, MapHelper.push, [c.mapOperand, value, u64Argument(c, 1)], "i64");
    }
    case "pop":
    case "peek":
      if (bloom) {
        if (c.method === "pop") return unsupportedMethod(c);
        return callHelper(c, MapHelper.peek, [c.mapOperand, valueArgument(c, 0)], "i64");
      }
      return popInto(c, c.method === "pop" ? MapHelper.pop : MapHelper.peek);
    case "has": {
      if (!bloom) return unsupportedMethod(c);
      const found = callHelper(c, MapHelper.peek, [c.mapOperand, valueArgument(c, 0)], "i64");
      const dst = c.L.b.newReg("bool");
      c.L.b.emit({ op: "cmp", cmp: "eq", kind: "i64", dst, a: found.op, b: imm(0n, "i64") });
      return { type: intType("bool"), op: { tag: "reg", reg: dst } };
    }
    default:
      return unsupportedMethod(c);
  }
}

function popInto(c: MapCall, helper: number): RValue {
  const { L, map } = c;
  // Not a temporary: the pointer handed back stays valid for the rest of the program.
  const slot = L.b.stackObject(Math.ceil(sizeOf(map.value) / 8) * 8, Math.max(8, alignOf(map.value)), `${map.name}.${c.method}() element`);
  const at = { tag: "stack", object: slot, offset: 0 } as const;
  const status = L.b.newReg("i64");
  L.b.emit({ op: "call", helper, args: [c.mapOperand, at], dst: status });
  const result = L.b.newReg("ptr");
  L.b.emit({ op: "mov", dst: result, src: imm(0n, "ptr") });
  const found = L.b.newBlock();
  const done = L.b.newBlock();
  L.b.terminate({ op: "cbr", cmp: "eq", kind: "i64", a: { tag: "reg", reg: status }, b: imm(0n, "i64"), then: found, else: done });
  L.b.setBlock(found);
  L.b.emit({ op: "mov", dst: result, src: at });
  L.b.terminate({ op: "br", target: done });
  L.b.setBlock(done);
  return { type: ptrTo(map.value), op: { tag: "reg", reg: result } };
}
