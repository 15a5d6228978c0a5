// tcp-cc: a TCP congestion control written in TypeScript (struct_ops on tcp_congestion_ops).
// It keeps a fixed slow-start threshold and counts how often the kernel asks it for decisions;
// once attached, sockets choose it by name (setsockopt TCP_CONGESTION, or the sysctl
// net.ipv4.tcp_congestion_control). The object carries `cc` in `.struct_ops` as clang would, so
// libbpf loads it too (`bpftool prog loadall`).
//   tsbpf run examples/tcp-cc.bpf.ts --duration 10
import { ArrayMap, Probe, StructOps, structOps, type i32, type u32, type u64 } from "tsbpf";
import type { tcp_congestion_ops } from "tsbpf/vmlinux";

export class FixedCc extends Probe {
  cc = new StructOps<tcp_congestion_ops>({ values: { name: "tsbpf_fixed" } });
  /** [0]: ssthresh calls, [1]: cong_avoid calls, [2]: undo_cwnd calls. */
  calls = new ArrayMap<u64>({ maxEntries: 3 });

  /** The slow-start threshold after a loss: a fixed 10 segments. */
  @structOps("cc", "ssthresh")
  ssthresh(): u32 {
    this.calls.increment(0);
    return 10;
  }

  /** Called per ACK in congestion avoidance; this one leaves the window as it is. */
  @structOps("cc", "cong_avoid")
  congAvoid(): i32 {
    this.calls.increment(1);
    return 0;
  }

  /** The window to go back to when a loss was spurious. */
  @structOps("cc", "undo_cwnd")
  undoCwnd(): u32 {
    this.calls.increment(2);
    return 10;
  }
}
