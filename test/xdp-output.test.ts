// Packet bytes from XDP (test/fixtures/xdp-output.bpf.ts): the XDP program, test-run on packets
// the test makes (BPF_PROG_TEST_RUN), sends a record and the whole packet through a perf event
// array (`perfOutput(ctx, ev, { packetBytes })`, the kernel's bpf_xdp_event_output); each packet
// comes back after its record byte for byte. Asking for a byte more than the packet has is refused
// by the kernel (-EFAULT) and counted by the probe.
import { randomBytes } from "node:crypto";
import { expect, it } from "vitest";
import { load } from "tsbpf";
import { XdpOutput } from "./fixtures/xdp-output.bpf.ts";
import { describeKernel } from "./support/kernel.js";

const EFAULT = -14n;

describeKernel("perfOutput with packetBytes from XDP", () => {
  it("each test-run packet arrives after its record, intact; one byte too many is -EFAULT, counted", async () => {
    await using probe = await load(XdpOutput);
    const packets = [60, 333, 1500].map((n) => new Uint8Array(randomBytes(n)));
    for (const data of packets) expect(probe.programs.capture.testRun({ data }).retval).toBe(2); // XDP_PASS
    expect(probe.status).toBe(0n);
    const got: { len: number; tag: number; packet: Uint8Array }[] = [];
    probe.events.consumeAppended((ev, packet) => void got.push({ ...ev, packet: packet.slice() }));
    expect(got.map((g) => [g.len, g.tag])).toEqual(packets.map((p) => [p.length, 0x58445021]));
    got.forEach(({ packet }, k) => {
      const sent = packets[k]!;
      expect(Buffer.from(packet.subarray(0, sent.length)).equals(Buffer.from(sent))).toBe(true);
      // Then only the kernel's padding: the sample (u32 size, 8-byte record, packet) in 8-byte units.
      expect([...packet.subarray(sent.length)].every((b) => b === 0)).toBe(true);
      expect((4 + 8 + packet.length) % 8).toBe(0);
    });

    probe.extra = 1;
    probe.programs.capture.testRun({ data: packets[0]! });
    expect(probe.status).toBe(EFAULT);
    expect(probe.events.failedOutputs).toBe(1n);
    expect(probe.events.consumeAppended(() => {})).toBe(0);
  });
});
