// 002's tc example, written as the tutorial writes it: a classic tc classifier (SEC("tc")) on an
// interface's ingress — the tutorial's `@tchook {"ifindex":1, "attach_point":"BPF_TC_INGRESS"}`
// and `@tcopts {"handle":1, "priority":1}` are `attach({ interface: "lo", direction: "ingress",
// handle: 1, priority: 1 })` — that prints each IPv4 packet's total length and TTL, reading the
// Ethernet and IP headers in place after the bounds checks the verifier demands (packetAt emits
// them). Every packet passes (TC_ACT_OK).
//   tsbpf run examples/eunomia/tc.bpf.ts --interface lo
import { ETH_P_IP, Probe, TC_ACT_OK, bpf, htons, ntohs, packetAt, tc, type EthHeader, type Ipv4Header, type SkBuff, type i32 } from "tsbpf";

export class TcIngress extends Probe {
  @tc()
  tc_ingress(ctx: SkBuff): i32 {
    if (ctx.protocol !== htons(ETH_P_IP)) return TC_ACT_OK;
    const l2 = packetAt<EthHeader>(ctx, 0);
    if (l2 === null) return TC_ACT_OK;
    const l3 = packetAt<Ipv4Header>(ctx, 14); // (struct iphdr *)(l2 + 1)
    if (l3 === null) return TC_ACT_OK;
    bpf.printk("Got IP packet: tot_len: %d, ttl: %d", ntohs(l3.tot_len), l3.ttl);
    return TC_ACT_OK;
  }
}
