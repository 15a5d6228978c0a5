/**
 * Map operations: update with every flag, lookup, writes through the looked-up pointer, delete,
 * a full map, struct values. The map's state carries over between runs on both sides.
 */
import type { BatchProgram } from "../harness.js";

export const MAP_DECLARATIONS = `
export interface Stat { count: u64; last: u32; flags: u8 }
`;

export const MAP_FIELDS = `
  counts = new HashMap<u32, u64>({ maxEntries: 4 });
  stats = new HashMap<u16, Stat>({ maxEntries: 8 });
`;

export function mapPrograms(): BatchProgram[] {
  return [
    {
      name: "map_ops",
      body: `
    const key: u32 = ctx.x_u32 & 7;
    ctx.r0 = u64(this.counts.update(key, ctx.x_u64, 1n));
    const p = this.counts.lookup(key);
    if (p) { p.value += 1n; ctx.r1 = p.value; }
    ctx.r2 = u64(this.counts.update(key ^ 1, ctx.y_u64, 2n));
    ctx.r3 = u64(this.counts.update(key, 5n));
    const q = this.counts.lookup(key);
    ctx.r4 = q ? q.value : 999n;
    ctx.r5 = u64(this.counts.delete(ctx.y_u32 & 7));
    ctx.r6 = this.counts.lookup(ctx.y_u32 & 7) === null ? 1n : 0n;
    return 0;`,
    },
    {
      name: "map_structs",
      body: `
    const key: u16 = ctx.x_u16 & 3;
    const found = this.stats.lookup(key);
    if (found) {
      found.count += 1n;
      found.last = ctx.x_u32;
      found.flags = found.flags | ctx.x_u8;
      ctx.r0 = found.count;
      ctx.r1 = u64(found.flags);
    } else {
      const s: Stat = { count: 1n, last: ctx.x_u32, flags: ctx.y_u8 };
      ctx.r2 = u64(this.stats.update(key, s));
    }
    const again = this.stats.lookup(key);
    if (again) ctx.r3 = again.count + u64(again.last);
    return 0;`,
    },
    {
      // The added amount is computed before the lookup and used in another block (the atomic add):
      // a pass that forgets the add's operand loses it.
      name: "map_increment",
      body: `
    const key: u32 = ctx.x_u32 & 3;
    const by: u64 = u64(ctx.x_u8) + 3n;
    this.counts.increment(key, by);
    this.counts.increment(key ^ 1);
    this.counts.increment(key, ctx.y_u64);
    const p = this.counts.lookup(key);
    ctx.r0 = p ? p.value : 999n;
    const q = this.counts.lookup(key ^ 1);
    ctx.r1 = q ? q.value : 999n;
    return 0;`,
    },
  ];
}
