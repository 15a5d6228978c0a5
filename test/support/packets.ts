/**
 * Test packets: Ethernet + IPv4 (+ options) + UDP/TCP headers, built by hand so that the probes'
 * header parsing is checked against bytes the test controls.
 */
export interface PacketOptions {
  protocol?: number;
  destPort?: number;
  sourcePort?: number;
  /** IPv4 header length in 32-bit words (5: no options). */
  ihl?: number;
  etherType?: number;
  payload?: number;
}

export function ipv4Packet(o: PacketOptions = {}): Uint8Array {
  const ihl = o.ihl ?? 5;
  const l4 = (o.protocol ?? 17) === 6 ? 20 : 8;
  const bytes = new Uint8Array(14 + ihl * 4 + l4 + (o.payload ?? 16));
  const v = new DataView(bytes.buffer);
  bytes.set([2, 0, 0, 0, 0, 1], 0); // destination MAC
  bytes.set([2, 0, 0, 0, 0, 2], 6); // source MAC
  v.setUint16(12, o.etherType ?? 0x0800);
  v.setUint8(14, 0x40 | ihl);
  v.setUint16(16, bytes.length - 14);
  v.setUint8(22, 64);
  v.setUint8(23, o.protocol ?? 17);
  bytes.set([10, 0, 0, 1], 26);
  bytes.set([10, 0, 0, 2], 30);
  const l4At = 14 + ihl * 4;
  v.setUint16(l4At, o.sourcePort ?? 40000);
  v.setUint16(l4At + 2, o.destPort ?? 9999);
  return bytes;
}
