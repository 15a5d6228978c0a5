// @preamble
import { StructOps, structOps } from "tsbpf";
import type { tcp_congestion_ops } from "tsbpf/vmlinux";
// @members
  cc = new StructOps<tcp_congestion_ops>({ values: { name: "half_cc" } });
  @structOps("cc", "ssthresh")
  ssthresh(): u32 {
    return 10;
  }
