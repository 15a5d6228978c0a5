// tc-counter: count the packets and bytes arriving on an interface (tc ingress, through a tcx
// link), and the IPv4 packets per IP protocol, reading the header straight from the packet.
// One per-CPU slot holds every count, bumped in place after one lookup (no atomics: a CPU's slot is
// its own; user space adds the CPUs up), as libbpf's tc counters are written. The protocol number
// is a u8, so indexing the 256 protocol counters needs no bounds check.
//   tsbpf run examples/tc-counter.bpf.ts --interface eth0 --duration 10
import {
  ETH_HLEN, ETH_P_IP, PerCpuArray, Probe, TC_ACT_OK, htons, packetAt, tc, u64,
  type FixedArray, type Ipv4Header, type SkBuff, type i32,
} from "tsbpf";

export interface Totals {
  packets: u64;
  bytes: u64;
  /** IPv4 packets by IP protocol number (1 ICMP, 6 TCP, 17 UDP...). */
  protocols: FixedArray<u64, 256>;
}

export class TcCounter extends Probe {
  /** Packets, bytes and IPv4 packets by protocol that arrived, per CPU (one slot). */
  totals = new PerCpuArray<Totals>({ maxEntries: 1 });

  @tc("ingress")
  count(ctx: SkBuff): i32 {
    const totals = this.totals.lookup(0);
    if (totals === null) return TC_ACT_OK;
    totals.packets += 1n;
    totals.bytes += u64(ctx.len);
    // The skb already knows the link-layer protocol: no need to read the Ethernet header.
    if (ctx.protocol !== htons(ETH_P_IP)) return TC_ACT_OK;
    const ip = packetAt<Ipv4Header>(ctx, ETH_HLEN);
    if (ip === null) return TC_ACT_OK;
    totals.protocols[ip.protocol] += 1n;
    return TC_ACT_OK;
  }
}
