/**
 * Subprograms: module functions and undecorated methods, with up to five arguments of mixed kinds
 * and results of every kind. Waiting for the compiler (TSBPF4001 / TSBPF3010 today).
 */
import type { BatchProgram } from "../harness.js";

export const CALL_DECLARATIONS = `
function mix(a: u8, b: i16, c: u32, d: i64, e: u64): i64 { return i64(a) + i64(b) * 3n - i64(c) + d + i64(e >> 1n); }
function narrow(x: u32): i8 { return i8(x); }
function clampTo(x: i32, lo: i32, hi: i32): i32 { if (x < lo) return lo; if (x > hi) return hi; return x; }
function twice(x: u16): u32 { return u32(x) * 2; }
function quad(x: u16): u32 { return twice(u16(twice(x))); }
`;

export const CALL_METHODS = `
  scale(x: u32, k: u8): u64 { return u64(x) * u64(k); }
`;

export function callPrograms(): BatchProgram[] {
  return [
    {
      name: "calls",
      body: `
    ctx.r0 = u64(mix(ctx.x_u8, ctx.x_i16, ctx.x_u32, ctx.x_i64, ctx.x_u64));
    ctx.r1 = u64(narrow(ctx.y_u32));
    ctx.r2 = u64(clampTo(ctx.x_i32, -100, 100));
    ctx.r3 = u64(quad(ctx.x_u16));
    ctx.r4 = this.scale(ctx.y_u32, ctx.y_u8);
    ctx.r5 = u64(mix(1, -2, 3, -4n, 5n));
    return clampTo(ctx.y_i32, -5, 5);`,
    },
  ];
}
