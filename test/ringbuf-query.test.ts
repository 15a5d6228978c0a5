// bpf_ringbuf_query (RingBuf.query, test/fixtures/ringbuf-query.bpf.ts): a syscall program run
// with BPF_PROG_TEST_RUN writes records the test chooses the number of, then reads the ring's
// figures; each is checked against what the test caused and what the reader consumed: the bytes
// available are the records written at 40 bytes each (8-byte header, 32-byte record), the size the
// declared one, the producer ahead of the consumer by exactly that, and once the reader has taken
// the records the consumer caught up to where the producer was.
import { expect, it } from "vitest";
import { load } from "tsbpf";
import { RingQuery } from "./fixtures/ringbuf-query.bpf.ts";
import { describeKernel } from "./support/kernel.js";

const RECORD = 40n;

describeKernel("RingBuf.query (bpf_ringbuf_query)", () => {
  it("available data, ring size, consumer and producer positions against what the test wrote and read", async () => {
    await using probe = await load(RingQuery);
    const run = (records: number) => probe.programs.fill.testRun({ ctx: { records, written: 0, avail: 0n, size: 0n, cons: 0n, prod: 0n } });

    let { retval, ctxOut } = run(5);
    expect(retval).toBe(0);
    expect(ctxOut).toEqual({ records: 5, written: 5, avail: 5n * RECORD, size: 16384n, cons: 0n, prod: 5n * RECORD });

    // Nobody read: the next records add to what is available.
    ({ ctxOut } = run(3));
    expect(ctxOut).toMatchObject({ written: 3, avail: 8n * RECORD, cons: 0n, prod: 8n * RECORD });

    const got: number[] = [];
    expect(probe.ring.consume((s) => void got.push(s.n))).toBe(8);
    expect(got).toEqual([0, 1, 2, 3, 4, 0, 1, 2]);

    // The reader took everything: the consumer is where the producer was, and only the new records are available.
    ({ ctxOut } = run(2));
    expect(ctxOut).toMatchObject({ written: 2, avail: 2n * RECORD, size: 16384n, cons: 8n * RECORD, prod: 10n * RECORD });

    // Filled past its size (448 records of 40 bytes for 16 KiB), the ring takes what fits
    // (409 records: a record goes in whole or not at all), the rest is refused and counted.
    expect(probe.ring.consume(() => {})).toBe(2);
    let written = 0;
    for (let i = 0; i < 7; i++) {
      ({ ctxOut } = run(64));
      written += ctxOut!.written;
    }
    expect(written).toBe(409);
    expect(probe.ring.failedReservations).toBe(BigInt(448 - 409));
    expect(ctxOut).toMatchObject({ avail: 409n * RECORD, size: 16384n, cons: 10n * RECORD, prod: (10n + 409n) * RECORD });
  });
});
