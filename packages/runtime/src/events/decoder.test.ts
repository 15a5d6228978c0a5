// The generated record decoders must return exactly what the type's codec returns, for every kind
// of member (specialised or not), on random bytes and on strings that are ASCII, UTF-8 or full.
import { describe, expect, it } from "vitest";
import { codecFor } from "../btf-values/index.js";
import { BtfBuilder } from "../testing/btf.js";
import { recordDecoder } from "./decoder.js";

function types() {
  const b = new BtfBuilder();
  const u8 = b.int("u8", 1);
  const i8 = b.int("i8", 1, true);
  const u16 = b.int("u16", 2);
  const i16 = b.int("i16", 2, true);
  const u32 = b.int("u32", 4);
  const i32 = b.int("i32", 4, true);
  const u64 = b.int("u64", 8);
  const i64 = b.int("i64", 8, true);
  const char = b.char();
  const bool = b.bool();
  const state = b.enum("state", [["IDLE", 0], ["RUNNING", 5]]);
  const inner = b.struct("inner", [["a", u16], ["b", i64]]);
  const flags = b.struct("flags", [["x", u32, 0, 3], ["y", u32, 3, 29]]);
  const anon = b.struct("", [["p", u16], ["q", u16]], "union");
  const event = b.struct("event", [
    ["u8", u8], ["i8", i8], ["u16", u16], ["i16", i16], ["u32", u32], ["i32", i32], ["u64", u64], ["i64", i64],
    ["comm", b.array(char, 16)], ["ok", bool], ["st", state], ["ptr", b.ptr(u8)], ["pair", b.array(u16, 2)],
    ["inner", inner], ["inners", b.array(inner, 2)], ["flags", flags], ["", anon], ["path", b.array(char, 100)],
    ["td", b.typedef("pid_t", i32)],
  ]);
  return { btf: b.btf, event };
}

/** Deterministic pseudo-random bytes. */
function randomBytes(n: number, seed: number): Uint8Array {
  const out = new Uint8Array(n);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

describe("recordDecoder", () => {
  const { btf, event } = types();
  const codec = codecFor(btf, event);
  const decode = recordDecoder(btf, event);

  it("decodes random records exactly as the codec does, at any offset", () => {
    for (let seed = 1; seed <= 200; seed++) {
      const bytes = randomBytes(codec.size + 24, seed);
      const offset = (seed % 3) * 8;
      const view = new DataView(bytes.buffer);
      expect(decode(view, offset)).toEqual(codec.read(view, offset));
    }
  });

  it("decodes ASCII, UTF-8, empty and unterminated strings as the codec does", () => {
    const fields = codec.read(new DataView(new Uint8Array(codec.size).buffer), 0) as Record<string, unknown>;
    expect(fields.comm).toBe("");
    const commAt = 32; // u8 i8 u16 i16 (6 bytes), 2 of padding, u32 i32 u64 i64
    for (const text of ["bash", "ü-snoop", "0123456789abcdef", "x"]) {
      const bytes = new Uint8Array(codec.size);
      bytes.set(new TextEncoder().encode(text).subarray(0, 16), commAt);
      const view = new DataView(bytes.buffer);
      const got = decode(view, 0) as Record<string, unknown>;
      expect(got).toEqual(codec.read(view, 0));
      expect(got.comm).toBe(text);
    }
  });

  it("is built once per type", () => {
    expect(recordDecoder(btf, event)).toBe(decode);
  });
});

describe("recordDecoder's shortcuts", () => {
  const b = new BtfBuilder();
  const u64 = b.int("u64", 8);
  const i64 = b.int("i64", 8, true);
  const rec = b.struct("rec", [["u", u64], ["s", i64], ["comm", b.array(b.char(), 16)]]);
  const codec = codecFor(b.btf, rec);
  const decode = recordDecoder(b.btf, rec);

  function record(u: bigint, s: bigint, comm: string): DataView {
    const view = new DataView(new ArrayBuffer(codec.size));
    view.setBigUint64(0, u, true);
    view.setBigInt64(8, s, true);
    new Uint8Array(view.buffer).set(new TextEncoder().encode(comm).subarray(0, 16), 16);
    return view;
  }

  it("64-bit values around the small-value table's edges decode as the codec does", () => {
    const edges = [0n, 1n, 1023n, 1024n, 0xffff_ffffn, 0x1_0000_0000n, 0x1_0000_0003n, 2n ** 64n - 1n];
    const signed = [0n, 1n, 1023n, 1024n, -1n, -1023n, -1024n, -1025n, -(2n ** 32n), -(2n ** 32n) + 5n, 2n ** 63n - 1n, -(2n ** 63n)];
    for (const u of edges) {
      for (const s of signed) {
        const view = record(u, s, "x");
        const got = decode(view, 0) as { u: bigint; s: bigint };
        expect(got).toEqual(codec.read(view, 0));
        expect([got.u, got.s]).toEqual([u, s]);
      }
    }
  });

  it("a repeated string, a prefix, a longer one and an empty one after it each decode as themselves", () => {
    for (const comm of ["bash", "bash", "bas", "bash", "bash-longer", "", "bash", "ü", "ü", "0123456789abcdef", "0123456789abcdef"]) {
      const view = record(0n, 0n, comm);
      const got = decode(view, 0) as { comm: string };
      expect(got).toEqual(codec.read(view, 0));
      expect(got.comm).toBe(comm);
    }
  });
});
