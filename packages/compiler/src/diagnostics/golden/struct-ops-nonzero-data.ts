// @preamble
import { StructOps, structOps } from "tsbpf";
import type { tcp_congestion_ops } from "tsbpf/vmlinux";
// @members
  cc = new StructOps<tcp_congestion_ops>({ values: { name: "keyed_cc", key: 7 } });
  @structOps("cc", "ssthresh")
  ssthresh(): u32 {
    return 10;
  }
  @structOps("cc", "cong_avoid")
  congAvoid(): u32 {
    return 0;
  }
  @structOps("cc", "undo_cwnd")
  undoCwnd(): u32 {
    return 10;
  }
