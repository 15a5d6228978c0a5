import { describe, expect, it } from "vitest";
import { MapError } from "../errors.js";
import { BtfBuilder } from "../testing/btf.js";
import { codecFor, decodeValue, encodeValue, rawCodec } from "./index.js";

function fixture() {
  const b = new BtfBuilder();
  const u8 = b.int("u8", 1);
  const u16 = b.int("u16", 2);
  const u32 = b.int("u32", 4);
  const i32 = b.int("i32", 4, true);
  const u64 = b.int("u64", 8);
  const i64 = b.int("i64", 8, true);
  const char = b.char();
  const bool = b.bool();
  const pid_t = b.typedef("pid_t", i32);
  const comm = b.array(char, 8);
  const state = b.enum("state", [["IDLE", 0], ["RUNNING", 5]]);
  // struct event { u8 flag; /* 3 pad */ pid_t pid; u64 ts; char comm[8]; bool ok; u16 pair[2]; enum state st; }
  const event = b.struct("event", [["flag", u8], ["pid", pid_t], ["ts", u64], ["comm", comm], ["ok", bool], ["pair", b.array(u16, 2)], ["st", state]]);
  return { b, btf: b.btf, u8, u16, u32, i32, u64, i64, event, comm, state };
}

describe("encodeValue / decodeValue", () => {
  it("lays out a struct with natural padding, little-endian", () => {
    const { btf, event } = fixture();
    const value = { flag: 7, pid: -2, ts: 0x0102030405060708n, comm: "bash", ok: true, pair: [1, 0xfffe], st: 5 };
    const bytes = encodeValue(btf, event, value);
    expect(bytes.length).toBe(40); // 36 bytes of members, rounded up to the u64 alignment
    expect([...bytes.subarray(0, 4)]).toEqual([7, 0, 0, 0]); // flag + zeroed padding
    expect([...bytes.subarray(4, 8)]).toEqual([0xfe, 0xff, 0xff, 0xff]); // -2
    expect([...bytes.subarray(8, 16)]).toEqual([8, 7, 6, 5, 4, 3, 2, 1]);
    expect(new TextDecoder().decode(bytes.subarray(16, 24))).toBe("bash\0\0\0\0");
    expect(bytes[24]).toBe(1);
    expect([...bytes.subarray(26, 30)]).toEqual([1, 0, 0xfe, 0xff]);
    expect(bytes[32]).toBe(5);
    expect(decodeValue(btf, event, bytes)).toEqual(value);
  });

  it("maps 64-bit kinds to bigint and smaller ones to number", () => {
    const { btf, u64, i64, u32 } = fixture();
    expect(decodeValue(btf, u64, new Uint8Array(8).fill(0xff))).toBe(0xffffffffffffffffn);
    expect(decodeValue(btf, i64, new Uint8Array(8).fill(0xff))).toBe(-1n);
    expect(decodeValue(btf, u32, new Uint8Array(4).fill(0xff))).toBe(0xffffffff);
  });

  it("rejects out-of-range, wrong-typed and misshapen values with a MapError naming the path", () => {
    const { btf, u8, u32, u64, event, comm, state } = fixture();
    expect(() => encodeValue(btf, u8, 256)).toThrow(/out of range for u8 \(0\.\.255\)/);
    expect(() => encodeValue(btf, u32, -1)).toThrow(MapError);
    expect(() => encodeValue(btf, u32, 1.5)).toThrow(/integer/);
    expect(() => encodeValue(btf, u64, 5)).toThrow(/write 5n/);
    expect(() => encodeValue(btf, comm, "123456789")).toThrow(/9 bytes does not fit char\[8\]/);
    expect(() => encodeValue(btf, state, "STOPPED")).toThrow(MapError);
    expect(encodeValue(btf, state, "RUNNING")[0]).toBe(5);
    const good = { flag: 0, pid: 0, ts: 0n, comm: "", ok: false, pair: [0, 0], st: 0 };
    expect(() => encodeValue(btf, event, { ...good, pair: [1, 2, 3] })).toThrow(/value\.pair: expected 2 elements/);
    expect(() => encodeValue(btf, event, { ...good, extra: 1 })).toThrow(/unknown field\(s\) extra/);
    const { ts: _ts, ...missing } = good;
    expect(() => encodeValue(btf, event, missing)).toThrow(/value\.ts: missing/);
  });

  it("decodes char arrays up to the first NUL and accepts strings that exactly fill them", () => {
    const { btf, comm } = fixture();
    expect(decodeValue(btf, comm, new TextEncoder().encode("ab\0cdefg"))).toBe("ab");
    expect(decodeValue(btf, comm, encodeValue(btf, comm, "12345678"))).toBe("12345678");
  });

  it("handles bitfields, unions and anonymous members", () => {
    const b = new BtfBuilder();
    const u32 = b.int("u32", 4);
    const u16 = b.int("u16", 2);
    // struct flags { u32 a:3; u32 b:13; u32 c:16; }
    const flags = b.struct("flags", [["a", u32, 0, 3], ["b", u32, 3, 13], ["c", u32, 16, 16]]);
    const bytes = encodeValue(b.btf, flags, { a: 5, b: 0x1abc, c: 0xbeef });
    const word = new DataView(bytes.buffer).getUint32(0, true);
    expect(word).toBe((5 | (0x1abc << 3) | (0xbeef << 16)) >>> 0);
    expect(decodeValue(b.btf, flags, bytes)).toEqual({ a: 5, b: 0x1abc, c: 0xbeef });
    expect(() => encodeValue(b.btf, flags, { a: 8, b: 0, c: 0 })).toThrow(/out of range/);

    const inner = b.struct("", [["x", u16], ["y", u16]], "union");
    const outer = b.struct("outer", [["tag", u32], ["", inner]]);
    const encoded = encodeValue(b.btf, outer, { tag: 1, y: 0x1234 });
    expect(decodeValue(b.btf, outer, encoded)).toEqual({ tag: 1, x: 0x1234, y: 0x1234 });
    expect(() => encodeValue(b.btf, outer, { tag: 1, x: 1, y: 2 })).toThrow(/only one of x, y/);
  });

  it("raw codecs take exact byte arrays", () => {
    const codec = rawCodec(4);
    expect(codec.schema.safeParse(new Uint8Array(4)).success).toBe(true);
    expect(codec.schema.safeParse(new Uint8Array(3)).success).toBe(false);
  });
});

describe("the quick check beside the schema", () => {
  // fits() spares the schema for plain values (a start-up cost): it must never take a value the
  // schema refuses, and must take the ordinary valid ones.
  it("agrees with the schema: never yes where the schema says no, yes for plain valid values", () => {
    const { b, btf, u8, u32, i32, u64, i64, comm, event } = fixture();
    const bits = b.struct("bits", [["a", u32], ["b", i64]]);
    const values: unknown[] = [0, 1, -1, 255, 256, 2 ** 31, 2 ** 32, -(2 ** 31), -(2 ** 31) - 1, 1.5, NaN, Infinity, 2 ** 53,
      0n, 1n, -1n, 2n ** 63n, 2n ** 64n, -(2n ** 63n), -(2n ** 63n) - 1n, "", "bash", "toolongname", "a\0b", "é".repeat(4), true, false,
      null, undefined, {}, [], new Uint8Array(8), { a: 1, b: 2n }, { a: 1 }, { a: 1, b: 2n, c: 3 }, { a: -1, b: 2n }, { a: 1, b: 2 },
      Object.assign(Object.create({ inherited: 1 }), { a: 1, b: 2n })];
    const valid = new Map<number, unknown[]>([[u8, [0, 255]], [u32, [0, 2 ** 32 - 1]], [i32, [-(2 ** 31), 2 ** 31 - 1]], [u64, [0n, 2n ** 64n - 1n]],
      [i64, [-(2n ** 63n), 2n ** 63n - 1n]], [comm, ["", "12345678"]], [bits, [{ a: 1, b: 2n }]]]);
    for (const id of [u8, u32, i32, u64, i64, comm, bits, event]) {
      const codec = codecFor(btf, id);
      for (const value of [...values, ...(valid.get(id) ?? [])]) {
        if (codec.fits?.(value)) expect(codec.schema.safeParse(value).success, `${codec.describe} ${String(value)}`).toBe(true);
      }
      for (const value of valid.get(id) ?? []) expect(codec.fits?.(value), `${codec.describe} ${String(value)}`).toBe(true);
    }
  });
});

