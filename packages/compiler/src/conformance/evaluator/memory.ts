/**
 * The evaluator's memory: every local, struct and map value is a little-endian byte block, so that
 * struct layout is part of what the evaluator predicts (the kernel's context comes back as bytes).
 */
import { bytes, signed, wrap, type Int, type Kind } from "./c-ints.js";
import type { EType } from "./types.js";

export interface Place {
  mem: Uint8Array;
  off: number;
  type: EType;
}

export function readInt(mem: Uint8Array, off: number, k: Kind): Int {
  const n = bytes(k);
  let v = 0n;
  for (let i = n - 1; i >= 0; i--) v = (v << 8n) | BigInt(mem[off + i]!);
  if (signed(k)) v = BigInt.asIntN(n * 8, v);
  // A bool byte reads as what it holds; anything but 0/1 would be the program's own doing.
  return { k, v: k === "bool" ? v : wrap(v, k) };
}

export function writeInt(mem: Uint8Array, off: number, k: Kind, v: bigint): void {
  const n = bytes(k);
  let x = BigInt.asUintN(n * 8, wrap(v, k));
  for (let i = 0; i < n; i++) {
    mem[off + i] = Number(x & 0xffn);
    x >>= 8n;
  }
}

export function keyOf(mem: Uint8Array, off: number, size: number): string {
  return Buffer.from(mem.subarray(off, off + size)).toString("hex");
}
