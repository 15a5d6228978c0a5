/**
 * Stack objects that share frame bytes (codegen/stack-sharing.ts) and stores into objects nothing
 * reads (passes/dead-stack-objects.ts), issue 9 item 3: arrays of 320 bytes in the two arms of a
 * branch, in consecutive loops and in consecutive blocks fit the 512-byte frame only by sharing;
 * each is read after the other was written, so a wrong overlap shows as a wrong sum.
 */
import type { BatchProgram } from "../harness.js";

export const STACK_DECLARATIONS = `
interface Wide { a: u64; b: u32; c: FixedArray<u16, 6> }
`;

/** A 40-element u64 array named `name`, filled from the inputs and summed into `into`. */
function big(name: string, seed: string, into: string): string {
  return [
    `const ${name}: FixedArray<u64, 40> = zero();`,
    `for (let i: u32 = 0; i < 40; i++) ${name}[i] = ${seed} * u64(i) + 1n;`,
    `${name}[u32(ctx.x_u8) & 63] = 7n;`,
    `for (let i: u32 = 0; i < 40; i++) ${into} += ${name}[i] ^ u64(i);`,
  ].join("\n    ");
}

export function stackPrograms(): BatchProgram[] {
  return [
    {
      name: "arrays_in_both_arms",
      body: `
    let sum: u64 = 0n;
    if (ctx.x_i32 > ctx.y_i32) {
    ${big("a", "ctx.x_u64", "sum")}
    } else {
    ${big("b", "ctx.y_u64", "sum")}
    }
    ctx.r0 = sum;
    return 0;`,
    },
    {
      name: "arrays_one_after_another",
      body: `
    let s1: u64 = 0n;
    let s2: u64 = 0n;
    {
    ${big("a", "ctx.x_u64", "s1")}
    }
    {
    ${big("b", "ctx.y_u64", "s2")}
    }
    ctx.r0 = s1; ctx.r1 = s2;
    return 0;`,
    },
    {
      name: "structs_in_a_loop_and_after",
      body: `
    let s: u64 = 0n;
    for (let k: u32 = 0; k < 3; k++) {
      const w: Wide = { a: ctx.x_u64 + u64(k), b: ctx.y_u32, c: zero() };
      w.c[k] = u16(k + 1);
      s += w.a + u64(w.b) + u64(w.c[0]) + u64(w.c[1]) + u64(w.c[2]);
    }
    ${big("a", "ctx.y_u64", "s")}
    const unread: FixedArray<u64, 40> = zero();
    unread[3] = s;
    ctx.r0 = s;
    return 0;`,
    },
    {
      name: "array_live_across_another",
      // a is read after b is filled: they must not share bytes.
      body: `
    const a: FixedArray<u64, 20> = zero();
    for (let i: u32 = 0; i < 20; i++) a[i] = ctx.x_u64 + u64(i);
    const b: FixedArray<u64, 20> = zero();
    for (let i: u32 = 0; i < 20; i++) b[i] = ctx.y_u64 * u64(i);
    let s: u64 = 0n;
    for (let i: u32 = 0; i < 20; i++) s += a[i] ^ b[19 - i];
    ctx.r0 = s;
    return 0;`,
    },
  ];
}
