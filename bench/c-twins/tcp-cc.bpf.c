// C twin of examples/tcp-cc.bpf.ts (struct_ops on tcp_congestion_ops; ArrayMap.increment is a
// lookup and an atomic add).
#include "core.h"

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 3);
	__type(key, u32);
	__type(value, u64);
} calls SEC(".maps");

static __always_inline void count(u32 key)
{
	u64 *v = bpf_map_lookup_elem(&calls, &key);
	if (v)
		__sync_fetch_and_add(v, 1);
}

SEC("struct_ops/ssthresh")
u32 BPF_PROG(ssthresh, struct sock *sk)
{
	count(0);
	return 10;
}

SEC("struct_ops/cong_avoid")
void BPF_PROG(congAvoid, struct sock *sk, u32 ack, u32 acked)
{
	count(1);
}

SEC("struct_ops/undo_cwnd")
u32 BPF_PROG(undoCwnd, struct sock *sk)
{
	count(2);
	return 10;
}

SEC(".struct_ops")
struct tcp_congestion_ops cc = {
	.ssthresh = (void *)ssthresh,
	.cong_avoid = (void *)congAvoid,
	.undo_cwnd = (void *)undoCwnd,
	.name = "tsbpf_fixed",
};

char LICENSE[] SEC("license") = "GPL";
