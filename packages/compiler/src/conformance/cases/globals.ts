/**
 * Globals and constants: `@config` fields (.rodata), initialised and zero globals (.data, .bss)
 * whose values persist from run to run, module constants with and without a declared kind, and
 * enum members, folded into the code.
 */
import type { BatchProgram } from "../harness.js";

export const GLOBAL_DECLARATIONS = `
const LIMIT: u32 = 1000;
const SHIFT = 3;
const BIG: u64 = 0xfffffffffffffff0n;
`;

export const ENUM_DECLARATIONS = `
const enum Mode { Off, Slow = 5, Fast }
enum Level { Low = -2, Mid, High = 40 }
`;

export const GLOBAL_FIELDS = `
  @config scale: u32 = 3;
  @config offset: i64 = -10n;
  calls: u64 = 0n;
  last: i16 = 0;
  flag: bool = false;
  seed: u32 = 12345;
`;

export function globalPrograms(): BatchProgram[] {
  return [
    {
      name: "globals",
      body: `
    this.calls += 1n;
    this.seed = this.seed * 1103515245 + 12345;
    ctx.r0 = this.calls;
    ctx.r1 = u64(this.seed);
    ctx.r2 = u64(i64(ctx.x_u32 * this.scale) + this.offset);
    const before = this.last;
    this.last = i16(before + ctx.x_i16);
    ctx.r3 = u64(before);
    ctx.r4 = this.flag ? 1n : 0n;
    this.flag = !this.flag;
    return i32(this.last);`,
    },
    {
      name: "constants",
      body: `
    ctx.r0 = u64(ctx.x_u32 < LIMIT ? ctx.x_u32 : LIMIT);
    ctx.r1 = u64(ctx.x_i32 << SHIFT);
    ctx.r2 = ctx.x_u64 & BIG;
    return 0;`,
    },
  ];
}

/** Enum members as constants (in expressions and case labels). */
export function enumPrograms(): BatchProgram[] {
  return [
    {
      name: "enums",
      body: `
    ctx.r3 = u64(Mode.Fast) + u64(Mode.Slow) * 10n + u64(Mode.Off);
    ctx.r4 = u64(i64(Level.Low) + i64(Level.Mid) * 100n + i64(Level.High) * 10000n);
    let m: u32 = u32(ctx.x_u8 % 3);
    switch (m) { case Mode.Off: ctx.r5 = 1n; break; default: ctx.r5 = 2n; }
    return 0;`,
    },
  ];
}
