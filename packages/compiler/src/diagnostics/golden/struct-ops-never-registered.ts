// @preamble
import { StructOps, structOps, type TracingArgs } from "tsbpf";
import type { bpf_dummy_ops } from "tsbpf/vmlinux";
// @members
  ops = new StructOps<bpf_dummy_ops>();
  @structOps("ops", "test_1")
  test1(ctx: TracingArgs): i32 {
    return 1;
  }
