// tc-counter: count the packets and bytes arriving on an interface (tc ingress, through a tcx
// link), and the IPv4 packets per IP protocol, reading the header straight from the packet.
//   tsbpf run examples/tc-counter.bpf.ts --interface eth0 --duration 10
import {
  ArrayMap, ETH_HLEN, ETH_P_IP, HashMap, Probe, TC_ACT_OK, htons, packetAt, tc, u64,
  type EthHeader, type Ipv4Header, type SkBuff, type i32, type u8,
} from "tsbpf";

export class TcCounter extends Probe {
  /** [0]: packets, [1]: bytes. */
  totals = new ArrayMap<u64>({ maxEntries: 2 });
  /** IPv4 packets by IP protocol number (1 ICMP, 6 TCP, 17 UDP...). */
  protocols = new HashMap<u8, u64>({ maxEntries: 256 });

  @tc("ingress")
  count(ctx: SkBuff): i32 {
    this.totals.increment(0);
    this.totals.increment(1, u64(ctx.len));
    const eth = packetAt<EthHeader>(ctx, 0);
    if (eth === null || eth.h_proto !== htons(ETH_P_IP)) return TC_ACT_OK;
    const ip = packetAt<Ipv4Header>(ctx, ETH_HLEN);
    if (ip !== null) this.protocols.increment(ip.protocol);
    return TC_ACT_OK;
  }
}
