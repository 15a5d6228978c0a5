// A TCP congestion control as a libbpf user writes it (clang, SEC(".struct_ops")): the runtime
// must load clang's struct_ops variables through the same path as tsbpf's own.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "GPL";

__u64 calls = 0;

struct sock;

/* Only the members set here: libbpf (and tsbpf) match them to the kernel's struct by name. */
struct tcp_congestion_ops {
	__u32 (*ssthresh)(struct sock *sk);
	void (*cong_avoid)(struct sock *sk, __u32 ack, __u32 acked);
	__u32 (*undo_cwnd)(struct sock *sk);
	char name[16];
};

SEC("struct_ops/ssthresh")
__u32 clang_ssthresh(void *ctx)
{
	__sync_fetch_and_add(&calls, 1);
	return 10;
}

SEC("struct_ops/cong_avoid")
void clang_cong_avoid(void *ctx)
{
	__sync_fetch_and_add(&calls, 1);
}

SEC("struct_ops/undo_cwnd")
__u32 clang_undo_cwnd(void *ctx)
{
	return 10;
}

SEC(".struct_ops")
struct tcp_congestion_ops clang_cc = {
	.ssthresh = (void *)clang_ssthresh,
	.cong_avoid = (void *)clang_cong_avoid,
	.undo_cwnd = (void *)clang_undo_cwnd,
	.name = "tsbpf_clang_cc",
};
