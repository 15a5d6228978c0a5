// The ring buffer consumer against the fake kernel's producer: record decoding, discarded and
// busy records, wrap-around, wake-ups, abort and close.
import { MapType } from "@tsbpf/object";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { resetFeatureCache } from "../features.js";
import { codecFor } from "../btf-values/index.js";
import { mapCreate } from "../sys/bpf.js";
import { useDoor } from "../sys/door.js";
import { FakeKernel } from "../sys/fake.js";
import { BtfBuilder } from "../testing/btf.js";
import { RingBufReader } from "./ring-buffer.js";

let kernel: FakeKernel;
let restore: () => void;

beforeEach(() => {
  kernel = new FakeKernel();
  restore = useDoor(kernel);
  resetFeatureCache(); // no probe result of the real kernel (isolate: false) answers for the fake
});
afterEach(() => {
  restore();
  resetFeatureCache(); // nor the fake's for the next file
});

const SIZE = 4096;

function reader(): RingBufReader<{ seq: number; value: bigint }> {
  const b = new BtfBuilder();
  const rec = b.struct("rec", [["seq", b.int("u32", 4)], ["value", b.int("u64", 8)]]);
  const fd = mapCreate({ type: MapType.RingBuf, keySize: 0, valueSize: 0, maxEntries: SIZE, name: "events" });
  return new RingBufReader(fd, { name: "events", type: MapType.RingBuf, keySize: 0, valueSize: 0, maxEntries: SIZE, flags: 0 }, codecFor(b.btf, rec));
}

function record(seq: number, value: bigint, size = 16): Uint8Array {
  const bytes = new Uint8Array(size);
  const v = new DataView(bytes.buffer);
  v.setUint32(0, seq, true);
  if (size >= 16) v.setBigUint64(8, value, true);
  return bytes;
}

describe("RingBufReader", () => {
  it("decodes submitted records in order and skips discarded ones", () => {
    const ring = reader();
    kernel.ringbufWrite(ring.fd.raw, record(1, 10n));
    kernel.ringbufWrite(ring.fd.raw, record(2, 20n), { discard: true });
    kernel.ringbufWrite(ring.fd.raw, record(3, 30n));
    const seen: unknown[] = [];
    expect(ring.consume((r) => seen.push(r))).toBe(2);
    expect(seen).toEqual([{ seq: 1, value: 10n }, { seq: 3, value: 30n }]);
    expect(ring.pending).toBe(false);
    expect(ring.consume(() => undefined)).toBe(0);
    ring.close();
  });

  it("stops at a record still being written and resumes once it is submitted", () => {
    const ring = reader();
    kernel.ringbufWrite(ring.fd.raw, record(1, 1n));
    kernel.ringbufWrite(ring.fd.raw, record(2, 2n), { busy: true });
    kernel.ringbufWrite(ring.fd.raw, record(3, 3n));
    const seen: number[] = [];
    ring.consume((r) => seen.push(r.seq));
    expect(seen).toEqual([1]);
    kernel.ringbufCommit(ring.fd.raw, 24); // the second record starts after 8 + 16 bytes
    ring.consume((r) => seen.push(r.seq));
    expect(seen).toEqual([1, 2, 3]);
    ring.close();
  });

  it("reads records that wrap around the end of the ring contiguously", () => {
    const ring = reader();
    const seen: { seq: number; value: bigint }[] = [];
    // 24-byte records: after 170 of them the producer is 16 bytes from the end, so the 171st wraps.
    for (let i = 0; i < 200; i++) {
      expect(kernel.ringbufWrite(ring.fd.raw, record(i, BigInt(i) * 0x100000001n), { wake: false })).toBe(true);
      ring.consume((r) => seen.push(r));
    }
    expect(seen).toHaveLength(200);
    expect(seen[170]).toEqual({ seq: 170, value: 170n * 0x100000001n });
    expect(seen.every((r, i) => r.seq === i && r.value === BigInt(i) * 0x100000001n)).toBe(true);
    ring.close();
  });

  it("zero-extends records shorter than the record type", () => {
    const ring = reader();
    kernel.ringbufWrite(ring.fd.raw, record(5, 0n, 4));
    const seen: unknown[] = [];
    ring.consume((r) => seen.push(r));
    expect(seen).toEqual([{ seq: 5, value: 0n }]);
    ring.close();
  });

  it("wakes an async iterator when records arrive and ends when the signal aborts", async () => {
    const ring = reader();
    const stop = new AbortController();
    const seen: number[] = [];
    const reading = (async () => {
      for await (const r of ring.events({ signal: stop.signal })) {
        seen.push(r.seq);
        if (seen.length === 2) stop.abort();
      }
    })();
    await new Promise((r) => setTimeout(r, 5));
    expect(seen).toEqual([]);
    kernel.ringbufWrite(ring.fd.raw, record(1, 0n));
    await new Promise((r) => setTimeout(r, 5));
    expect(seen).toEqual([1]);
    kernel.ringbufWrite(ring.fd.raw, record(2, 0n));
    kernel.ringbufWrite(ring.fd.raw, record(3, 0n));
    await reading;
    expect(seen).toEqual([1, 2]);
    ring.close();
  });

  it("ends iteration when the reader is closed, and onEvent delivers until stopped", async () => {
    const ring = reader();
    const reading = (async () => {
      const seen: number[] = [];
      for await (const r of ring) seen.push(r.seq);
      return seen;
    })();
    kernel.ringbufWrite(ring.fd.raw, record(7, 0n));
    await new Promise((r) => setTimeout(r, 5));
    const got: number[] = [];
    const stop = ring.onEvent((r) => got.push(r.seq));
    kernel.ringbufWrite(ring.fd.raw, record(8, 0n));
    await new Promise((r) => setTimeout(r, 5));
    stop();
    ring.close();
    expect(await reading).toContain(7);
    expect([...(await reading), ...got].sort()).toEqual([7, 8]);
    expect(ring.closed).toBe(true);
    expect(kernel.openFds()).toEqual([]);
  });
});

describe("RingBufReader, stopping early", () => {
  it("leaves records it has not yielded in the ring", async () => {
    const kernel = new FakeKernel();
    const restore = useDoor(kernel);
    try {
      const b = new BtfBuilder();
      const rec = b.struct("rec", [["seq", b.int("u32", 4)], ["value", b.int("u64", 8)]]);
      const fd = mapCreate({ type: MapType.RingBuf, keySize: 0, valueSize: 0, maxEntries: SIZE, name: "events" });
      const ring = new RingBufReader<{ seq: number }>(fd, { name: "events", type: MapType.RingBuf, keySize: 0, valueSize: 0, maxEntries: SIZE, flags: 0 }, codecFor(b.btf, rec));
      for (let i = 1; i <= 3; i++) kernel.ringbufWrite(fd.raw, record(i, 0n));
      for await (const r of ring) if (r.seq === 1) break;
      const rest: number[] = [];
      ring.consume((r) => rest.push(r.seq));
      expect(rest).toEqual([2, 3]);
      ring.close();
    } finally {
      restore();
    }
  });
});
