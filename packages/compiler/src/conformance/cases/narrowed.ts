/**
 * Bools that tsc narrows (issue 9): inside `if (b) { if (!b) { … } }` tsc types `b` as `never`
 * (it finds the code unreachable), yet the program compiles that code with `b`'s declared type;
 * and bools narrowed to `true`/`false` in ordinary branches. Results must equal the evaluator's.
 */
import type { BatchProgram } from "../harness.js";

export function narrowedPrograms(): BatchProgram[] {
  return [
    {
      name: "never_narrowed_and",
      body: `
    let b: bool = ctx.x_u8 > 3;
    if (b) { if (!b) { b = (ctx.x_u32 < ctx.y_u32) && b; ctx.r1 = 1n; } }
    ctx.r0 = b ? 1n : 2n;
    return 0;`,
    },
    {
      name: "never_narrowed_forms",
      body: `
    let b: bool = ctx.x_i8 < 0;
    let c: bool = ctx.y_u16 > 100;
    if (!b) { if (b) {
      b = b || (ctx.x_u32 < ctx.y_u32);
      c = !b && c;
      ctx.r2 = b ? 5n : 6n;
      const d: bool = b;
      if (d || b) ctx.r3 = 7n;
    } }
    if (b) { if (!b) { c = (ctx.x_u64 > ctx.y_u64) || b; } }
    if (c) {
      // The right of \`c || …\` runs only when c is false, which tsc knows it is not here: never.
      const e: bool = (c || (c || (ctx.x_i64 < ctx.y_i64)));
      const f: bool = (c && !(!c && (ctx.x_u8 < 9)));
      ctx.r4 = e ? 1n : 0n;
      ctx.r5 = f ? 1n : 0n;
    }
    ctx.r0 = b ? 1n : 0n;
    ctx.r1 = c ? 1n : 0n;
    return 0;`,
    },
    {
      name: "narrowed_to_literals",
      body: `
    let b: bool = ctx.x_u8 === ctx.y_u8;
    let n: u32 = 0;
    if (b) { n = b && (ctx.x_i16 < 0) ? 1 : 2; b = (ctx.x_u32 > 9) && b; }
    else { n = b || (ctx.y_i16 < 0) ? 3 : 4; b = (ctx.y_u32 > 9) || b; }
    ctx.r0 = u64(n);
    ctx.r1 = b ? 1n : 0n;
    return 0;`,
    },
  ];
}
