/**
 * Expressions reused across blocks (passes/dominating-cse.ts): a sum, product or shift computed
 * again in a block an earlier one dominates is not recomputed (conversions beside them are) —
 * unless an operand was written in between (a `let` assigned on one arm, in a loop), which must
 * then give the new value. The inputs are read into locals first: a store into the context
 * between two reads makes the second a new value (and the expressions on it new ones). Each
 * program's results must equal the evaluator's on every input.
 */
import type { BatchProgram } from "../harness.js";

export function reusedPrograms(): BatchProgram[] {
  return [
    {
      name: "reused_in_guarded_blocks",
      body: `
    const x: u64 = ctx.x_u64; const y: u64 = ctx.y_u64; const xi: i32 = ctx.x_i32; const x16: u16 = ctx.x_u16;
    const x8: u8 = ctx.x_u8; const y8: u8 = ctx.y_u8; const x32: u32 = ctx.x_u32; const y32: u32 = ctx.y_u32;
    const xs: i16 = ctx.x_i16; const xl: i64 = ctx.x_i64;
    const a: u64 = x + 14n;
    if (a > y) {
      ctx.r0 = x + 14n;
      if (u32(x16) * 4 > 100) ctx.r1 = u64(u32(x16) * 4) + (x + 14n);
      else ctx.r2 = u64(i64(xi) >> 3n);
    } else {
      ctx.r3 = (x + 14n) ^ u64(i64(xi) >> 3n);
    }
    ctx.r4 = u64(i64(xi) >> 3n) + (x + 14n);
    return 0;`,
    },
    {
      name: "operand_written_on_one_arm",
      body: `
    const x: u64 = ctx.x_u64; const y: u64 = ctx.y_u64; const xi: i32 = ctx.x_i32; const x16: u16 = ctx.x_u16;
    const x8: u8 = ctx.x_u8; const y8: u8 = ctx.y_u8; const x32: u32 = ctx.x_u32; const y32: u32 = ctx.y_u32;
    const xs: i16 = ctx.x_i16; const xl: i64 = ctx.x_i64;
    let v: u32 = x32;
    const w: u32 = v + 7;
    if (y8 > 100) v = y32;
    ctx.r0 = u64(v + 7);
    ctx.r1 = u64(w);
    if (x8 < 50) ctx.r2 = u64(v + 7) * 3n;
    return 0;`,
    },
    {
      name: "operand_written_in_a_loop",
      body: `
    const x: u64 = ctx.x_u64; const y: u64 = ctx.y_u64; const xi: i32 = ctx.x_i32; const x16: u16 = ctx.x_u16;
    const x8: u8 = ctx.x_u8; const y8: u8 = ctx.y_u8; const x32: u32 = ctx.x_u32; const y32: u32 = ctx.y_u32;
    const xs: i16 = ctx.x_i16; const xl: i64 = ctx.x_i64;
    let v: u32 = x32 & 0xff;
    const first: u32 = v * 3 + 1;
    let sum: u64 = 0n;
    for (let i = 0; i < 5; i++) {
      sum += u64(v * 3 + 1);
      if (y8 > u8(i * 40)) v = v + u32(i);
      sum += u64(v * 3 + 1);
    }
    ctx.r0 = sum;
    ctx.r1 = u64(first) + u64(v * 3 + 1);
    return 0;`,
    },
    {
      name: "conversions_and_narrow_sums",
      body: `
    const x: u64 = ctx.x_u64; const y: u64 = ctx.y_u64; const xi: i32 = ctx.x_i32; const x16: u16 = ctx.x_u16;
    const x8: u8 = ctx.x_u8; const y8: u8 = ctx.y_u8; const x32: u32 = ctx.x_u32; const y32: u32 = ctx.y_u32;
    const xs: i16 = ctx.x_i16; const xl: i64 = ctx.x_i64;
    const n: u32 = u32(x8 & 15) * 4;
    const wide: u64 = u64(n + 14);
    if (wide > u64(y8)) {
      ctx.r0 = u64(n + 14) + y;
      ctx.r1 = u64(i32(xs)) + u64(u16(x32));
    } else {
      ctx.r2 = u64(i32(xs));
    }
    ctx.r3 = u64(i32(xs)) - u64(u16(x32)) + wide;
    return 0;`,
    },
    {
      name: "reused_across_a_switch",
      body: `
    const x: u64 = ctx.x_u64; const y: u64 = ctx.y_u64; const xi: i32 = ctx.x_i32; const x16: u16 = ctx.x_u16;
    const x8: u8 = ctx.x_u8; const y8: u8 = ctx.y_u8; const x32: u32 = ctx.x_u32; const y32: u32 = ctx.y_u32;
    const xs: i16 = ctx.x_i16; const xl: i64 = ctx.x_i64;
    const k: i64 = xl * 5n - 3n;
    switch (y8 & 3) {
      case 0: ctx.r0 = u64(xl * 5n - 3n); break;
      case 1: ctx.r1 = u64((xl * 5n - 3n) / 7n); // falls through
      case 2: ctx.r2 = u64(xl * 5n); break;
      default: ctx.r3 = u64(k);
    }
    ctx.r4 = u64(xl * 5n - 3n) ^ u64(k);
    return 0;`,
    },
  ];
}
