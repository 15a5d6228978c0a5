// C twin of examples/xdp-portfilter.bpf.ts (ArrayMap.increment: lookup, then an atomic add).
#include "common.h"
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/udp.h>
#include <bpf/bpf_endian.h>

const volatile __u16 port = 0;

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, __u64);
} drops SEC(".maps");

static __always_inline void add(__u32 key, __u64 by)
{
	__u64 *v = bpf_map_lookup_elem(&drops, &key);
	if (v)
		__sync_fetch_and_add(v, by);
}

SEC("xdp")
int filter(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	if ((void *)(eth + 1) > end || eth->h_proto != bpf_htons(ETH_P_IP))
		return XDP_PASS;
	struct iphdr *ip = data + ETH_HLEN;
	if ((void *)(ip + 1) > end || (ip->protocol != IPPROTO_UDP && ip->protocol != IPPROTO_TCP))
		return XDP_PASS;
	struct udphdr *ports = data + ETH_HLEN + ip->ihl * 4;
	if ((void *)(ports + 1) > end || port == 0 || bpf_ntohs(ports->dest) != port)
		return XDP_PASS;
	add(0, 1);
	add(1, end - data);
	return XDP_DROP;
}

char LICENSE[] SEC("license") = "GPL";
