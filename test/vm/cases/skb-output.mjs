// bpf_skb_output from an fentry program (issue 17; test/fixtures/skb-output.bpf.ts, compiled on the
// host as skb-output.o): the program on ip_rcv sends each received IPv4 packet after a record.
// This process sends a UDP datagram with a payload of its own to a loopback port; the sample that
// carries it must hold the packet from its IP header on: the datagram's length, protocol,
// addresses, port and payload byte for byte, and only the kernel's zero padding after.
import { createSocket } from "node:dgram";
import { randomBytes } from "node:crypto";
import { WAIT_MS } from "../harness.mjs";

async function skbChecks(object) {
  const events = object.map("events");
  const payload = randomBytes(64);
  const samples = [];
  const stop = events.onEvent((record, packet) => {
    // Only packets carrying the payload after the IPv4 and UDP headers (20 + 8 bytes).
    if (packet.length >= 28 + payload.length && Buffer.from(packet.subarray(28, 28 + payload.length)).equals(payload)) {
      samples.push({ record, packet: Buffer.from(packet) });
    }
  }, { appended: true });
  const receiver = createSocket("udp4");
  await new Promise((resolve) => receiver.bind(0, "127.0.0.1", resolve));
  const port = receiver.address().port;
  const sender = createSocket("udp4");
  await new Promise((resolve, reject) => sender.send(payload, port, "127.0.0.1", (error) => (error ? reject(error) : resolve())));
  const deadline = Date.now() + WAIT_MS;
  while (samples.length === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
  stop();
  sender.close();
  receiver.close();
  const first = samples[0];
  const view = first && new DataView(first.packet.buffer, first.packet.byteOffset, first.packet.byteLength);
  const length = 20 + 8 + payload.length;
  return [
    { what: "one sample carries the datagram", expected: 1, actual: samples.length },
    {
      what: "its record: skb->len (the IP packet) and the tag",
      expected: { len: length, tag: 0x534b4221 },
      actual: first && { len: first.record.len, tag: first.record.tag },
    },
    {
      what: "its bytes: the IPv4 header (length, UDP, 127.0.0.1 both ways), the UDP header (port, length), the payload, then zeros",
      expected: { version: 0x45, totLen: length, protocol: 17, addresses: "7f0000017f000001", port, udpLen: 8 + payload.length, payload: payload.toString("hex"), padding: true },
      actual: first && {
        version: first.packet[0],
        totLen: view.getUint16(2),
        protocol: first.packet[9],
        addresses: first.packet.subarray(12, 20).toString("hex"),
        port: view.getUint16(22),
        udpLen: view.getUint16(24),
        payload: first.packet.subarray(28, length).toString("hex"),
        padding: first.packet.length - length < 8 && first.packet.subarray(length).every((b) => b === 0),
      },
    },
    { what: "bpf_skb_output returned 0; nothing failed", expected: { status: 0n, failed: 0n }, actual: { status: object.variable("status"), failed: events.failedOutputs } },
  ];
}

/** The cases, in the order the guest runs them. */
export const skbOutputCases = [
  { name: "bpf_skb_output from fentry on ip_rcv", object: "skb-output.o", body: skbChecks },
];
