// Expressions reused across blocks and pointer offsets reassociated to reuse them, in the optimised
// IR of an XDP program shaped as xdp-portfilter's. What such programs compute is checked in the
// kernel: the conformance group "expressions reused across blocks" (conformance/cases/reused.ts)
// against the evaluator, and test/xdp-portfilter.test.ts on packets with IPv4 options (ihl 7).
import { describe, expect, it } from "vitest";
import { irOf } from "../testing/probes.js";

const XDP = (body: string) => `import { Probe, xdp, packetAt, packetLength, u32, u64, type XdpContext, type EthHeader, type Ipv4Header, type UdpHeader, type i32 } from "tsbpf";
export class T extends Probe {
  total: u64 = 0n;
  @xdp
  run(ctx: XdpContext): i32 {
${body}
  }
}
`;

const count = (printed: string, what: RegExp) => printed.split("\n").filter((l) => what.test(l)).length;

describe("expressions reused across blocks", () => {
  const headers = `    const eth = packetAt<EthHeader>(ctx, 0);
    if (eth === null || eth.h_proto !== 8) return 2;
    const ip = packetAt<Ipv4Header>(ctx, 14);
    if (ip === null) return 2;`;

  it("computes data + 14 once when a dominating block computed it", () => {
    const { printed } = irOf(XDP(`${headers}\n    return i32(ip.ttl);`));
    expect(count(printed, /= add\.u64 %\d+\S*, 14:u64/)).toBe(1);
  });

  it("adds a variable header length to data + 14 rather than 14 + length to data", () => {
    const { printed } = irOf(XDP(`${headers}
    const ports = packetAt<UdpHeader>(ctx, 14 + u32(ip.version_ihl & 0x0f) * 4);
    if (ports === null) return 2;
    return i32(ports.dest);`));
    // data + 14 once (the Ethernet header's end, the IP header's start), no 32-bit 14 + length.
    expect(count(printed, /add\.u64 %\d+\S*, 14:u64/)).toBe(1);
    expect(count(printed, /add\.u32 (14:u32, %\d+|%\d+\S*, 14:u32)/)).toBe(0);
  });

  it("keeps the sum when it could wrap at 32 bits (an offset read from the packet, unbounded)", () => {
    const { printed } = irOf(XDP(`${headers}
    const at: u32 = u32(ip.saddr) + 14;
    const p = packetAt<UdpHeader>(ctx, at & 0xffff);
    if (p === null) return 2;
    return i32(p.dest);`));
    expect(count(printed, /add\.u32/)).toBe(1);
  });

  it("takes packetLength as the 64-bit difference, with no truncation after it", () => {
    const { printed } = irOf(XDP(`    this.total += u64(packetLength(ctx));\n    return 2;`));
    expect(count(printed, /conv\./)).toBe(0);
    expect(count(printed, /sub\.u64/)).toBe(1);
  });

  it("does not reuse a sum across a write of its operand", () => {
    const { printed } = irOf(XDP(`    let n: u64 = u64(packetLength(ctx));
    const a: u64 = n + 3n;
    if (a > 100n) n = n * 2n;
    if (n > 7n) this.total = n + 3n;
    this.total += a;
    return 2;`));
    expect(count(printed, /add\.u64 %\d+\S*, 3:u64/)).toBe(2);
  });
});
