/**
 * Shrinks a failing mutation to the fewest edits that still fail the same way (ddmin over the
 * edit list, then the cut restored where the failure does not need it): what is left is the
 * defect, which a regression case then keeps.
 */
import type { Mutation } from "./mutation.js";

/** `fails(m)`: whether `m` still reproduces the finding (same error class and message shape). */
export async function minimizeMutation(m: Mutation, seedLength: number, fails: (m: Mutation) => Promise<boolean>): Promise<Mutation> {
  let writes = m.writes;
  let chunk = Math.max(1, Math.floor(writes.length / 2));
  while (writes.length > 1 && chunk >= 1) {
    let removed = false;
    for (let start = 0; start < writes.length; start += chunk) {
      const candidate = [...writes.slice(0, start), ...writes.slice(start + chunk)];
      if (candidate.length > 0 && (await fails({ length: m.length, writes: candidate }))) {
        writes = candidate;
        removed = true;
        break;
      }
    }
    if (!removed) {
      if (chunk === 1) break;
      chunk = Math.max(1, Math.floor(chunk / 2));
    }
  }
  let length = m.length;
  if (length < seedLength && (await fails({ length: seedLength, writes }))) length = seedLength;
  return { length, writes };
}
