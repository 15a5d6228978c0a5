// SharedPosition must read and write the same u64 a BigUint64Array sees (what the kernel reads and
// writes), across the 2^32 boundary where the high half changes, without losing precision.
import { describe, expect, it } from "vitest";
import { SharedPosition } from "./shared-position.js";

describe("SharedPosition", () => {
  const values = [0, 1, 0xffff_fff8, 0x1_0000_0000, 0x1_0000_0008, 0x7_ffff_fff0, 2 ** 52 + 8, Number.MAX_SAFE_INTEGER - 7];

  it("loads what a 64-bit store wrote", () => {
    const buffer = new ArrayBuffer(16);
    const wide = new BigUint64Array(buffer, 8, 1);
    const p = new SharedPosition(buffer, 8);
    for (const v of values) {
      wide[0] = BigInt(v);
      expect(p.load()).toBe(v);
    }
  });

  it("stores increasing positions as the same u64, with and without a change of the high half", () => {
    const buffer = new ArrayBuffer(8);
    const wide = new BigUint64Array(buffer);
    const p = new SharedPosition(buffer, 0);
    for (const v of values) {
      p.store(v);
      expect(wide[0]).toBe(BigInt(v));
      expect(p.load()).toBe(v);
    }
    // A consumer that moves by a record at a time across 2^32: every step exact.
    wide[0] = 0xffff_ffe0n;
    for (let v = 0xffff_ffe0; v <= 0x1_0000_0020; v += 8) {
      p.store(v);
      expect(wide[0]).toBe(BigInt(v));
    }
  });
});
