// C twin of examples/tc-counter.bpf.ts (ArrayMap.increment: lookup and atomic add; HashMap.increment
// as bcc's: lookup, else insert zero with BPF_NOEXIST and look up again, then an atomic add).
#include "common.h"
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_endian.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, __u64);
} totals SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 256);
	__type(key, __u8);
	__type(value, __u64);
} protocols SEC(".maps");

SEC("tc/ingress")
int count(struct __sk_buff *ctx)
{
	__u32 k = 0;
	__u64 *v = bpf_map_lookup_elem(&totals, &k);
	if (v)
		__sync_fetch_and_add(v, 1);
	k = 1;
	v = bpf_map_lookup_elem(&totals, &k);
	if (v)
		__sync_fetch_and_add(v, ctx->len);
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	if ((void *)(eth + 1) > end || eth->h_proto != bpf_htons(ETH_P_IP))
		return TC_ACT_OK;
	struct iphdr *ip = data + ETH_HLEN;
	if ((void *)(ip + 1) <= end) {
		__u8 proto = ip->protocol;
		__u64 *n = bpf_map_lookup_elem(&protocols, &proto);
		if (!n) {
			__u64 zero = 0;
			bpf_map_update_elem(&protocols, &proto, &zero, BPF_NOEXIST);
			n = bpf_map_lookup_elem(&protocols, &proto);
		}
		if (n)
			__sync_fetch_and_add(n, 1);
	}
	return TC_ACT_OK;
}

char LICENSE[] SEC("license") = "GPL";
