/**
 * Maps of kernel objects: `getStackId` (stack traces), `tailCall` (program arrays), `redirect`
 * (device, CPU and AF_XDP socket maps), and local storage's `get`/`delete`.
 */
import { ts } from "ts-morph";
import { Codes } from "../../diagnostics/codes.js";
import type { Operand } from "../../ir/ir.js";
import { fail } from "../errors.js";
import { lowerExpr } from "../lower-expr.js";
import type { RValue } from "../values.js";
import { argument, callHelper, contextArgument, intArgument, u64Argument, unsupportedMethod, type MapCall } from "./call-support.js";
import { MapHelper } from "./helper-ids.js";

export function lowerStackTraceMethod(c: MapCall): RValue {
  if (c.method !== "getStackId") return unsupportedMethod(c);
  const ctx = contextArgument(c, 0);
  return callHelper(c, MapHelper.getStackId, [ctx, c.mapOperand, u64Argument(c, 1)], "i64");
}

export function lowerProgArrayMethod(c: MapCall): RValue {
  if (c.method !== "tailCall") return unsupportedMethod(c);
  const ctx = contextArgument(c, 0);
  const index = intArgument(c, 1, "index", "u32");
  return callHelper(c, MapHelper.tailCall, [ctx, c.mapOperand, index], "i64");
}

export function lowerRedirectMethod(c: MapCall): RValue {
  if (c.method !== "redirect") return unsupportedMethod(c);
  const key = intArgument(c, 0, "key", "u32");
  return callHelper(c, MapHelper.redirectMap, [c.mapOperand, key, u64Argument(c, 1)], "i64");
}

const storageHelpers: Record<string, { get: number; delete: number }> = {
  TaskStorage: { get: MapHelper.taskStorageGet, delete: MapHelper.taskStorageDelete },
  SkStorage: { get: MapHelper.skStorageGet, delete: MapHelper.skStorageDelete },
  InodeStorage: { get: MapHelper.inodeStorageGet, delete: MapHelper.inodeStorageDelete },
  CgrpStorage: { get: MapHelper.cgrpStorageGet, delete: MapHelper.cgrpStorageDelete },
};

export function lowerStorageMethod(c: MapCall): RValue {
  const helpers = storageHelpers[c.map.dslClass]!;
  const owner = ownerArgument(c);
  if (c.method === "get") {
    // The third argument would initialise a created value; null creates it zeroed.
    return callHelper(c, helpers.get, [c.mapOperand, owner, { tag: "imm", value: 0n, kind: "ptr" }, u64Argument(c, 1)], "ptr", c.map.value);
  }
  if (c.method === "delete") return callHelper(c, helpers.delete, [c.mapOperand, owner], "i64");
  return unsupportedMethod(c);
}

/** The kernel object owning the storage: a pointer whose type the verifier knows (PTR_TO_BTF_ID). */
function ownerArgument(c: MapCall): Operand {
  const a: ts.Expression = argument(c, 0, "owner (a kernel object pointer)");
  const value = lowerExpr(c.L, a);
  if (value.type.tag !== "ptr" && !(value.type.tag === "int" && value.type.kind === "u64")) {
    fail(Codes.MapMethod, a, `${c.map.name}.${c.method}() takes a pointer to the kernel object that owns the value`);
  }
  return value.op;
}
