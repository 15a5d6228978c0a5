/**
 * Whether an expression is the program's context itself: the program's context parameter, or a
 * subprogram's parameter that received it (`submit(ctx: PtRegs, ...)` called as
 * `this.submit(ctx, ...)`). Helpers that take the context (perf output, stack ids, packet access)
 * need the verifier's unmodified context pointer, which only these carry.
 */
import { ts } from "ts-morph";
import type { LowerContext } from "./context.js";

export function isContextArgument(L: LowerContext, node: ts.Expression): boolean {
  if (!ts.isIdentifier(node)) return false;
  const declaration = L.oracle.declarationOf(node);
  if (!declaration) return false;
  return declaration === L.program.context?.node || declaration === L.contextParam;
}
