// xdp-portfilter: drop IPv4 UDP and TCP packets to one port at the driver, before the kernel
// allocates anything for them, and count the drops. Headers are read through packetAt, whose
// bounds checks the verifier demands.
//   tsbpf run examples/xdp-portfilter.bpf.ts --interface eth0 --config port=9999 --duration 10
import {
  ArrayMap, ETH_HLEN, ETH_P_IP, IPPROTO_TCP, IPPROTO_UDP, Probe, XDP_DROP, XDP_PASS, config, htons, ntohs, packetAt, packetLength, u32, u64,
  xdp, type EthHeader, type Ipv4Header, type UdpHeader, type XdpContext, type i32, type u16,
} from "tsbpf";

export class PortFilter extends Probe {
  /** The destination port to drop (host byte order); 0 drops nothing. */
  @config port: u16 = 0;
  /** [0]: packets dropped, [1]: bytes dropped. */
  drops = new ArrayMap<u64>({ maxEntries: 2 });

  @xdp
  filter(ctx: XdpContext): i32 {
    const eth = packetAt<EthHeader>(ctx, 0);
    if (eth === null || eth.h_proto !== htons(ETH_P_IP)) return XDP_PASS;
    const ip = packetAt<Ipv4Header>(ctx, ETH_HLEN);
    if (ip === null || (ip.protocol !== IPPROTO_UDP && ip.protocol !== IPPROTO_TCP)) return XDP_PASS;
    // UDP and TCP both start with the source and destination ports.
    const ports = packetAt<UdpHeader>(ctx, ETH_HLEN + u32(ip.version_ihl & 0x0f) * 4);
    if (ports === null || this.port === 0 || ntohs(ports.dest) !== this.port) return XDP_PASS;
    this.drops.increment(0);
    this.drops.increment(1, u64(packetLength(ctx)));
    return XDP_DROP;
  }
}
