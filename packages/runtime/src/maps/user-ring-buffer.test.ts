// The user ring buffer producer against the layout of kernel/bpf/ringbuf.c, on the fake kernel's
// mapping (the kernel's side is played by the test: it reads the headers and records where the
// kernel would, and advances the consumer position as a drain does): each record an 8-byte header
// (length, BUSY while being written, DISCARD) and its data rounded up to 8 bytes, the producer
// position published at reservation, room computed from the consumer position, and the typed
// errors for a full ring, a record larger than the ring and a value that does not fit the type.
import { afterEach, beforeEach, expect, it } from "vitest";
import { codecFor } from "../btf-values/index.js";
import { MapError } from "../errors.js";
import { resetFeatureCache } from "../features.js";
import { mapCreate } from "../sys/bpf.js";
import { useDoor } from "../sys/door.js";
import { FakeKernel } from "../sys/fake.js";
import { BtfBuilder } from "../testing/btf.js";
import { UserRingBufWriter } from "./user-ring-buffer.js";

const USER_RINGBUF = 31;
const SIZE = 4096;
const PAGE = 4096;
const BUSY = 0x80000000;
const DISCARD = 0x40000000;

let kernel: FakeKernel;
let restore: () => void;
beforeEach(() => {
  kernel = new FakeKernel();
  restore = useDoor(kernel);
  resetFeatureCache();
});
afterEach(() => {
  restore();
  resetFeatureCache();
});

function writer(): { ring: UserRingBufWriter<{ id: number; value: bigint }>; producer: DataView; consumer: DataView } {
  const b = new BtfBuilder();
  const rec = b.struct("req", [["id", b.int("u32", 4)], ["value", b.int("u64", 8)]]);
  const fd = mapCreate({ type: USER_RINGBUF, keySize: 0, valueSize: 0, maxEntries: SIZE, name: "requests" });
  const ring = new UserRingBufWriter<{ id: number; value: bigint }>(fd, { name: "requests", type: USER_RINGBUF, keySize: 0, valueSize: 0, maxEntries: SIZE, flags: 0 }, codecFor(b.btf, rec));
  const map = kernel.maps.at(-1)!;
  return { ring, producer: new DataView(map.ring!.producer), consumer: new DataView(map.ring!.consumer) };
}

it("writes each record behind a committed header, 8-byte aligned, and publishes the producer position", () => {
  const { ring, producer } = writer();
  ring.write({ id: 7, value: 0x1122334455667788n });
  ring.writeBytes(new Uint8Array([1, 2, 3])); // 3 bytes: 8 + 3 rounded up to 16
  expect(producer.getBigUint64(0, true)).toBe(24n + 16n);
  // First record at data offset 0: length 16, no flags; then the struct.
  expect(producer.getUint32(PAGE, true)).toBe(16);
  expect(producer.getUint32(PAGE + 8, true)).toBe(7);
  expect(producer.getBigUint64(PAGE + 16, true)).toBe(0x1122334455667788n);
  expect(producer.getUint32(PAGE + 24, true)).toBe(3);
  expect([...new Uint8Array(producer.buffer, PAGE + 32, 3)]).toEqual([1, 2, 3]);
  expect(ring.pending).toBe(40);
  expect(ring.free).toBe(SIZE - 40);
});

it("a reserved record is BUSY (the kernel stops there) until submitted; a discarded one is marked DISCARD", () => {
  const { ring, producer } = writer();
  const held = ring.reserve();
  expect(producer.getUint32(PAGE, true)).toBe((16 | BUSY) >>> 0);
  expect(producer.getBigUint64(0, true)).toBe(24n); // published at reservation, as libbpf does
  const dropped = ring.reserve();
  dropped.discard();
  expect(producer.getUint32(PAGE + 24, true)).toBe((16 | DISCARD) >>> 0);
  held.bytes[0] = 9;
  held.submit();
  expect(producer.getUint32(PAGE, true)).toBe(16);
  expect(producer.getUint8(PAGE + 8)).toBe(9);
  expect(() => held.discard()).toThrow(MapError);
});

it("room comes from the consumer position: ENOSPC when full, writable again once the kernel consumed", () => {
  const { ring, consumer } = writer();
  const fit = Math.floor(SIZE / 24); // 170 records of 24 bytes
  for (let i = 0; i < fit; i++) ring.write({ id: i, value: BigInt(i) });
  let error: unknown;
  try {
    ring.write({ id: 1000, value: 1n });
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(MapError);
  expect(error).toMatchObject({ code: "ENOSPC", map: "requests" });
  expect(ring.pending).toBe(fit * 24);
  consumer.setBigUint64(0, 48n, true); // a drain took two records
  ring.write({ id: 1000, value: 1n });
  ring.write({ id: 1001, value: 2n });
  expect(() => ring.write({ id: 1002, value: 3n })).toThrow(expect.objectContaining({ code: "ENOSPC" }));
});

it("refuses a record larger than the ring (E2BIG), a bad size (EINVAL) and a value outside its type, taking no room", () => {
  const { ring } = writer();
  expect(() => ring.writeBytes(new Uint8Array(SIZE - 7))).toThrow(expect.objectContaining({ code: "E2BIG" }));
  expect(() => ring.reserve(0)).toThrow(expect.objectContaining({ code: "EINVAL" }));
  expect(() => ring.write({ id: -1, value: 0n })).toThrow(MapError);
  expect(ring.pending).toBe(0);
  ring.writeBytes(new Uint8Array(SIZE - 8)); // exactly the ring
  expect(ring.free).toBe(0);
});
