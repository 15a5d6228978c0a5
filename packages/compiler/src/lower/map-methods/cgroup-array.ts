/**
 * Cgroup storage: `get()` (bpf_get_local_storage(map, 0)), the value of the cgroup the program
 * runs for, never null. And cgroup arrays: `currentTaskUnderCgroup(index)` (bpf_current_task_under_cgroup) and
 * `skbUnderCgroup(ctx, index)` (bpf_skb_under_cgroup). The verifier checks that the program type
 * may call each.
 */
import type { RValue } from "../values.js";
import { callHelper, contextArgument, intArgument, unsupportedMethod, type MapCall } from "./call-support.js";
import { MapHelper } from "./helper-ids.js";

export function lowerCgroupArrayMethod(c: MapCall): RValue {
  switch (c.method) {
    case "currentTaskUnderCgroup":
      return callHelper(c, MapHelper.currentTaskUnderCgroup, [c.mapOperand, intArgument(c, 0, "index", "u32")], "i64");
    case "skbUnderCgroup": {
      const ctx = contextArgument(c, 0);
      return callHelper(c, MapHelper.skbUnderCgroup, [ctx, c.mapOperand, intArgument(c, 1, "index", "u32")], "i64");
    }
    default:
      return unsupportedMethod(c);
  }
}

const GET_LOCAL_STORAGE = 81; // bpf_get_local_storage(map, flags)

export function lowerCgroupStorageMethod(c: MapCall): RValue {
  if (c.method !== "get") return unsupportedMethod(c);
  return callHelper(c, GET_LOCAL_STORAGE, [c.mapOperand, { tag: "imm", value: 0n, kind: "u64" }], "ptr", c.map.value);
}
