// 004's perf_submit_skb (examples/bcc/perf-submit-skb.bpf.ts): the tc program on lo's ingress in
// a network namespace of the test's own sends its magic and the whole packet through a perf event
// array. The test sends UDP datagrams over that lo with payloads it chooses; each arrives as the
// magic followed by the frame the test can rebuild (lo's zero Ethernet header, the IPv4 header with
// the datagram's length, addresses and protocol, the UDP header, the payload byte for byte), then
// only the kernel's zero padding. With rings too small for a burst, the records delivered plus
// the outputs the probe counted as failed are exactly the datagrams sent.
import { execFileSync } from "node:child_process";
import { afterAll, beforeAll, expect, it } from "vitest";
import { load } from "tsbpf";
import { MAGIC, SkbEvents } from "../examples/bcc/perf-submit-skb.bpf.ts";
import { describeKernel } from "./support/kernel.js";

const netns = `tsbpf-skb-${process.pid}`;
const PORT = 9999;

/** Datagram k's payload: `size` bytes of a pattern that differs per datagram. */
function payload(k: number, size: number): Buffer {
  return Buffer.from(Array.from({ length: size }, (_, i) => (k * 31 + i) & 0xff));
}

/** Sends datagrams of these payload sizes to 127.0.0.1:PORT inside the namespace, to a listener that takes them all. */
function sendInNamespace(sizes: number[]): void {
  const script = `const d=require("dgram");const sizes=${JSON.stringify(sizes)};const r=d.createSocket("udp4");` +
    `r.bind(${PORT},"127.0.0.1",()=>{const s=d.createSocket("udp4");let n=0;r.on("message",()=>{if(++n===sizes.length){r.close();s.close()}});` +
    `sizes.forEach((size,k)=>s.send(Buffer.from(Array.from({length:size},(_,i)=>(k*31+i)&255)),${PORT},"127.0.0.1"))})`;
  execFileSync("ip", ["netns", "exec", netns, process.execPath, "-e", script], { stdio: "pipe", timeout: 30_000 });
}

/** The frame datagram k of `size` bytes is on lo, checked field by field; returns the bytes past it. */
function checkFrame(packet: Uint8Array, k: number, size: number): Uint8Array {
  const view = new DataView(packet.buffer, packet.byteOffset, packet.byteLength);
  expect(packet.length).toBeGreaterThanOrEqual(14 + 20 + 8 + size);
  expect([...packet.subarray(0, 12)]).toEqual(new Array(12).fill(0)); // lo's addresses
  expect(view.getUint16(12)).toBe(0x0800);
  expect(packet[14]).toBe(0x45);
  expect(view.getUint16(16)).toBe(20 + 8 + size); // tot_len
  expect(packet[23]).toBe(17); // UDP
  expect([...packet.subarray(26, 34)]).toEqual([127, 0, 0, 1, 127, 0, 0, 1]);
  expect(view.getUint16(36)).toBe(PORT);
  expect(view.getUint16(38)).toBe(8 + size); // the UDP length
  expect(Buffer.from(packet.subarray(42, 42 + size)).equals(payload(k, size))).toBe(true);
  return packet.subarray(42 + size);
}

describeKernel("examples/bcc/perf-submit-skb.bpf.ts", () => {
  beforeAll(() => {
    execFileSync("ip", ["netns", "add", netns]);
    execFileSync("ip", ["-n", netns, "link", "set", "lo", "up"]);
  });
  afterAll(() => execFileSync("ip", ["netns", "del", netns]));

  it("each packet arrives after its record, intact, in typed, sample and raw reads", async () => {
    await using probe = await load(SkbEvents);
    probe.programs.handle.attach({ interface: "lo", direction: "ingress", netns });
    const sizes = [1, 100, 1000, 1453];
    const typed: { magic: number; packet: Uint8Array }[] = [];
    const stop = probe.skb_events.onEvent((magic, packet) => void typed.push({ magic, packet: packet.slice() }), { appended: true });
    sendInNamespace(sizes);
    // execFileSync held the event loop: the records wait in the rings until the listener drains.
    for (let i = 0; i < 200 && typed.length < sizes.length; i++) await new Promise((r) => setTimeout(r, 10));
    stop();
    expect(typed.map((t) => t.magic)).toEqual(sizes.map(() => MAGIC));
    typed.forEach(({ packet }, k) => {
      const rest = checkFrame(packet, k, sizes[k]!);
      // Only the kernel's padding follows: zeros filling the sample (u32 size, magic, frame) to 8-byte units.
      expect(rest.length).toBeLessThan(8);
      expect([...rest].every((b) => b === 0)).toBe(true);
      expect((4 + 4 + packet.length) % 8).toBe(0);
    });

    // samples({ appended: true }) and consumeRaw hand out the same bytes.
    sendInNamespace([64]);
    const controller = new AbortController();
    for await (const sample of probe.skb_events.samples({ appended: true, signal: controller.signal })) {
      expect(sample.record).toBe(MAGIC);
      checkFrame(sample.appended!, 0, 64);
      break;
    }
    sendInNamespace([7]);
    const raw: Uint8Array[] = [];
    for (let i = 0; i < 200 && raw.length === 0; i++) {
      probe.skb_events.consumeRaw((bytes) => void raw.push(bytes.slice()));
      if (raw.length === 0) await new Promise((r) => setTimeout(r, 10));
    }
    expect(raw.length).toBe(1);
    expect(new DataView(raw[0]!.buffer).getUint32(0, true)).toBe(MAGIC);
    checkFrame(raw[0]!.subarray(4), 0, 7);
    expect(probe.skb_events.lost).toBe(0n);
    expect(probe.skb_events.failedOutputs).toBe(0n);
  });

  it("counts what one-page rings could not take: delivered plus failed equals sent", async () => {
    await using probe = await load(SkbEvents);
    probe.skb_events.configure({ pages: 1 });
    probe.programs.handle.attach({ interface: "lo", direction: "ingress", netns });
    const sent = 40;
    // ~1.1 KiB samples: three or so fit in one 4 KiB page, the rest are refused while nobody reads.
    sendInNamespace(new Array(sent).fill(1000));
    let delivered = 0;
    probe.skb_events.consumeAppended((magic, packet) => {
      expect(magic).toBe(MAGIC);
      expect(packet.length).toBeGreaterThanOrEqual(14 + 28 + 1000);
      delivered++;
    });
    const failed = probe.skb_events.failedOutputs!;
    expect(failed).toBeGreaterThan(0n);
    expect(BigInt(delivered) + failed).toBe(BigInt(sent));
    // The kernel's own count (PERF_RECORD_LOST) arrives with the next sample that finds room on
    // that CPU: never more than the probe counted.
    expect(probe.skb_events.lost).toBeLessThanOrEqual(failed);
  });
});
