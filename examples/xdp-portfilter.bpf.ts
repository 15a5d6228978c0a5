// xdp-portfilter: drop IPv4 UDP and TCP packets to one port at the driver, before the kernel
// allocates anything for them, and count the drops. Headers are read through packetAt, whose
// bounds checks the verifier demands. The counts share one array slot, bumped with atomic adds
// after one lookup (every CPU drops into it), as a libbpf author writes it.
//   tsbpf run examples/xdp-portfilter.bpf.ts --interface eth0 --config port=9999 --duration 10
import {
  ArrayMap, atomics, ETH_HLEN, ETH_P_IP, IPPROTO_TCP, IPPROTO_UDP, Probe, XDP_DROP, XDP_PASS, config, htons, ntohs, packetAt, packetLength, u32, u64,
  xdp, type EthHeader, type Ipv4Header, type UdpHeader, type XdpContext, type i32, type u16,
} from "tsbpf";

export interface Drops {
  packets: u64;
  bytes: u64;
}

export class PortFilter extends Probe {
  /** The destination port to drop (host byte order); 0 drops nothing. */
  @config port: u16 = 0;
  /** The packets and bytes dropped (one slot). */
  drops = new ArrayMap<Drops>({ maxEntries: 1 });

  @xdp
  filter(ctx: XdpContext): i32 {
    const eth = packetAt<EthHeader>(ctx, 0);
    if (eth === null || eth.h_proto !== htons(ETH_P_IP)) return XDP_PASS;
    const ip = packetAt<Ipv4Header>(ctx, ETH_HLEN);
    if (ip === null || (ip.protocol !== IPPROTO_UDP && ip.protocol !== IPPROTO_TCP)) return XDP_PASS;
    // UDP and TCP both start with the source and destination ports.
    const ports = packetAt<UdpHeader>(ctx, ETH_HLEN + u32(ip.version_ihl & 0x0f) * 4);
    if (ports === null || this.port === 0 || ntohs(ports.dest) !== this.port) return XDP_PASS;
    const length = u64(packetLength(ctx)); // read before the call: ctx need not live across it
    const drops = this.drops.lookup(0);
    if (drops !== null) {
      atomics.add(drops.packets, 1n);
      atomics.add(drops.bytes, length);
    }
    return XDP_DROP;
  }
}
