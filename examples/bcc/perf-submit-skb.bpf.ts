// 004 (bcc's reference guide, C side), "Output", perf_submit_skb: a SCHED_CLS program sends a
// record (the guide's `magic`) and the whole packet after it through a perf event array,
//   skb_events.perf_submit_skb(skb, skb->len, &magic, sizeof(magic));
// which is bpf_perf_event_output(skb, &skb_events, BPF_F_CURRENT_CPU | (u64)skb->len << 32,
// &magic, sizeof(magic)). Here `perfOutput(skb, magic, { packetBytes: skb.len })`. The guide loads
// it with `load_func("handle", BPF.SCHED_CLS)` and leaves the attaching to the reader: a tc filter,
// `attach({ interface, direction })`. The guide's `magic` has no value; any u32 will do, and this
// one lets the reader tell the records from anything else. Every packet passes (TC_ACT_OK; bcc's
// elided body returns nothing, which as a tc verdict is TC_ACT_OK too).
// User space: `probe.skb_events.onEvent((magic, packet) => ..., { appended: true })`, the packet
// from its first byte (the Ethernet header at tc), followed by up to 7 zero bytes of the kernel's
// padding (a sample and its size fill 8-byte units).
//   tsbpf run examples/bcc/perf-submit-skb.bpf.ts --interface lo
import { PerfEventArray, Probe, TC_ACT_OK, tc, type SkBuff, type i32, type u32 } from "tsbpf";

export const MAGIC = 0xfaceb00c;

export class SkbEvents extends Probe {
  /** BPF_PERF_OUTPUT(skb_events), its records the u32 magic (the packet follows each). */
  skb_events = new PerfEventArray<u32>();

  @tc()
  handle(skb: SkBuff): i32 {
    const magic: u32 = MAGIC;
    this.skb_events.perfOutput(skb, magic, { packetBytes: skb.len });
    return TC_ACT_OK;
  }
}
