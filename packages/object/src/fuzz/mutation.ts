/**
 * A mutation of a corpus input, kept as data (which bytes changed, where it was cut) rather than
 * as the mutated bytes: a finding is then a short list of edits to a named seed, which the
 * minimiser shrinks edit by edit and a regression case stores readably.
 */
import { below, type Random } from "./random.js";

export interface Mutation {
  /** Bytes kept from the (edited) seed; the seed's length when not cut. */
  length: number;
  /** [offset, byte] edits, applied in order. */
  writes: [number, number][];
}

/** Values a parser meets at its limits: zero, one, sign bits, all ones, sizes just past a limit. */
const INTERESTING_U32 = [0, 1, 2, 4, 7, 8, 12, 16, 24, 0x7f, 0x80, 0xff, 0x100, 0xffff, 0x10000, 0x7fffffff, 0x80000000, 0x80000004, 0xfffffffe, 0xffffffff];

export function applyMutation(seed: Uint8Array, m: Mutation): Uint8Array {
  const bytes = seed.slice();
  for (const [offset, value] of m.writes) if (offset < bytes.length) bytes[offset] = value;
  return bytes.subarray(0, Math.min(m.length, bytes.length));
}

/**
 * A random mutation of `seed`: one to four edits (a random byte, a bit flip, an interesting
 * u32 written at a 4-byte-aligned offset, a small increment), and now and then a cut.
 * `focus`, when given, is the byte range edits prefer (a section inside an ELF file).
 */
export function randomMutation(seed: Uint8Array, random: Random, focus?: { start: number; end: number }): Mutation {
  const writes: [number, number][] = [];
  const n = seed.length;
  if (n === 0) return { length: 0, writes };
  const pick = (): number => {
    if (focus !== undefined && focus.end > focus.start && random() < 0.85) return focus.start + below(random, focus.end - focus.start);
    return below(random, n);
  };
  const edits = 1 + below(random, 4);
  for (let e = 0; e < edits; e++) {
    const at = pick();
    const choice = random();
    if (choice < 0.35) {
      writes.push([at, below(random, 256)]);
    } else if (choice < 0.55) {
      writes.push([at, seed[at]! ^ (1 << below(random, 8))]);
    } else if (choice < 0.85) {
      const aligned = at - (at % 4);
      const value = INTERESTING_U32[below(random, INTERESTING_U32.length)]!;
      for (let k = 0; k < 4 && aligned + k < n; k++) writes.push([aligned + k, (value >>> (8 * k)) & 0xff]);
    } else {
      writes.push([at, (seed[at]! + 1 + below(random, 3)) & 0xff]);
    }
  }
  const length = random() < 0.1 ? below(random, n) : n;
  return { length, writes };
}
