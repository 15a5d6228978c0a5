// A user ring buffer (BPF_MAP_TYPE_USER_RINGBUF): user space writes requests through the typed
// producer handle, a @syscall program run through BPF_PROG_TEST_RUN drains them
// (bpf_user_ringbuf_drain, test/fixtures/user-ringbuf.bpf.ts). Checked against what the test
// wrote: every value stored by id, the sum of value * weight, the drain's count, and the ring
// empty afterwards (the kernel's consumer position caught up with ours); a full ring refuses a
// write with a typed error and takes writes again once drained; discarded and uncommitted records
// behave as the kernel says. Needs Linux 6.1.
import { describe, expect, expectTypeOf, it } from "vitest";
import { load, MapError, type UserRingBufWriter } from "tsbpf";
import { compileText } from "../packages/compiler/src/testing/probes.ts";
import { UserRingDrain } from "./fixtures/user-ringbuf.bpf.ts";
import { describeKernel } from "./support/kernel.js";

/** A 16-byte request takes 24 bytes of the ring with its 8-byte header. */
const RECORD = 24;

interface Request { id: number; weight: number; value: bigint }

const requests = (n: number, from = 1): Request[] =>
  Array.from({ length: n }, (_, i) => ({ id: from + i, weight: (i % 7) + 1, value: BigInt((from + i) * 1000 + 3) }));
const weighted = (rs: Request[]) => rs.reduce((s, r) => s + r.value * BigInt(r.weight), 0n);

describeKernel("UserRingBuf: written by user space, drained by a program", () => {
  it("drains every record written, in order, and leaves the ring empty", async () => {
    await using probe = await load(UserRingDrain);
    expectTypeOf(probe.requests).toEqualTypeOf<UserRingBufWriter<{ id: number; weight: number; value: bigint }>>();
    const written = requests(100);
    for (const r of written) probe.requests.write(r);
    expect(probe.requests.pending).toBe(100 * RECORD);
    expect(probe.programs.drain.testRun({ ctx: { stop: 0 } }).retval).toBe(0);
    expect(probe.drained).toBe(100n);
    expect(probe.seen).toBe(100n);
    expect(probe.total).toBe(weighted(written));
    for (const r of written) expect(probe.values.get(r.id)).toBe(r.value);
    expect(probe.requests.pending).toBe(0); // the kernel's consumer position is the producer's
    expect(probe.requests.free).toBe(4096);
    // An empty ring drains nothing.
    probe.programs.drain.testRun({ ctx: { stop: 0 } });
    expect(probe.drained).toBe(0n);
    expect(probe.seen).toBe(100n);
  }, 120_000); // the first load compiles the probe

  it("a full ring refuses a write with MapError ENOSPC, and takes writes again once drained", async () => {
    await using probe = await load(UserRingDrain);
    const fit = Math.floor(4096 / RECORD); // 170
    const written = requests(fit);
    for (const r of written) probe.requests.write(r);
    let error: unknown;
    try {
      probe.requests.write({ id: 999, weight: 1, value: 1n });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(MapError);
    expect((error as MapError).code).toBe("ENOSPC");
    expect((error as MapError).map).toBe("requests");
    expect(probe.requests.pending).toBe(fit * RECORD); // the refused record took no room
    probe.programs.drain.testRun({ ctx: { stop: 0 } });
    expect(probe.drained).toBe(BigInt(fit));
    expect(probe.total).toBe(weighted(written));
    expect(probe.values.get(999)).toBeUndefined();
    probe.requests.write({ id: 999, weight: 1, value: 7n });
    probe.programs.drain.testRun({ ctx: { stop: 0 } });
    expect(probe.drained).toBe(1n);
    expect(probe.values.get(999)).toBe(7n);
    // A record larger than the ring can never fit: E2BIG, not ENOSPC.
    expect(() => probe.requests.writeBytes(new Uint8Array(4096))).toThrow(expect.objectContaining({ code: "E2BIG" }));
  }, 120_000);

  it("a callback returning 1 stops the drain; the rest stays for the next one", async () => {
    await using probe = await load(UserRingDrain);
    const written = requests(10);
    for (const r of written) probe.requests.write(r);
    probe.programs.drain.testRun({ ctx: { stop: 3 } });
    expect(probe.drained).toBe(3n); // the record that stopped it counts
    expect(probe.total).toBe(weighted(written.slice(0, 3)));
    expect(probe.requests.pending).toBe(7 * RECORD);
    probe.programs.drain.testRun({ ctx: { stop: 0 } });
    expect(probe.drained).toBe(7n);
    expect(probe.total).toBe(weighted(written));
    expect(probe.requests.pending).toBe(0);
  }, 120_000);

  it("discarded records are skipped; a reserved record not yet submitted ends the drain until it is", async () => {
    await using probe = await load(UserRingDrain);
    const [a, b, c] = requests(3);
    probe.requests.write(a!);
    probe.requests.reserve().discard();
    const held = probe.requests.reserve();
    new DataView(held.bytes.buffer, held.bytes.byteOffset).setUint32(0, b!.id, true);
    new DataView(held.bytes.buffer, held.bytes.byteOffset).setUint32(4, b!.weight, true);
    new DataView(held.bytes.buffer, held.bytes.byteOffset).setBigUint64(8, b!.value, true);
    probe.requests.write(c!);
    probe.programs.drain.testRun({ ctx: { stop: 0 } });
    expect(probe.drained).toBe(1n); // a; the discarded one skipped, uncounted; b still being written
    expect(probe.seen).toBe(1n);
    expect(probe.values.get(a!.id)).toBe(a!.value);
    expect(probe.requests.pending).toBe(2 * RECORD); // b and c
    held.submit();
    expect(() => held.submit()).toThrow(MapError);
    probe.programs.drain.testRun({ ctx: { stop: 0 } });
    expect(probe.drained).toBe(2n);
    expect(probe.total).toBe(weighted([a!, b!, c!]));
    expect(probe.requests.pending).toBe(0);
  }, 120_000);

  it("a record that does not fit the type is refused before it takes room", async () => {
    await using probe = await load(UserRingDrain);
    expect(() => probe.requests.write({ id: -1, weight: 1, value: 1n })).toThrow(MapError);
    expect(probe.requests.pending).toBe(0);
  }, 120_000);
});

describe("UserRingBuf.drain in the compiler", () => {
  it("takes plain callback parameters (TSBPF diagnostic at the parameter)", () => {
    const text = [
      'import { Probe, UserRingBuf, syscall, type i32, type u32 } from "tsbpf";',
      "interface In { x: u32 }",
      "export class T extends Probe {",
      "  ring = new UserRingBuf<In>({ size: 4096 });",
      "  @syscall run(_ctx: In): i32 {",
      "    this.ring.drain(({ x }) => (x > 1 ? 1 : 0));",
      "    return 0;",
      "  }",
      "}",
    ].join("\n");
    const found = compileText(text).diagnostics.map((d) => [d.line, d.message]);
    expect(found).toEqual([[6, expect.stringContaining("the drain callback takes (record): plain parameters")]]);
  }, 60_000);
});
