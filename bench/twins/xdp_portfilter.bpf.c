// SPDX-License-Identifier: GPL-2.0
/* xdp_portfilter: drop IPv4 UDP/TCP packets to one destination port and count them; the twin of
 * examples/xdp-portfilter.bpf.ts written as a libbpf author writes it (ref-c has none): CO-RE
 * headers from vmlinux.h, the port in .rodata, one lookup, atomic adds into a shared slot. */
#include "vmlinux.h"
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "GPL";

#define ETH_P_IP 0x0800

struct drops {
	__u64 packets;
	__u64 bytes;
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct drops);
} drops SEC(".maps");

const volatile __u16 port = 0;

SEC("xdp")
int filter(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct iphdr *ip;
	struct udphdr *l4;
	struct drops *d;
	__u32 zero = 0;

	if ((void *)(eth + 1) > data_end || eth->h_proto != bpf_htons(ETH_P_IP))
		return XDP_PASS;
	ip = (void *)(eth + 1);
	if ((void *)(ip + 1) > data_end || (ip->protocol != IPPROTO_UDP && ip->protocol != IPPROTO_TCP))
		return XDP_PASS;
	/* UDP and TCP both start with the source and destination ports. */
	l4 = (void *)ip + ip->ihl * 4;
	if ((void *)(l4 + 1) > data_end || port == 0 || bpf_ntohs(l4->dest) != port)
		return XDP_PASS;
	d = bpf_map_lookup_elem(&drops, &zero);
	if (d) {
		__sync_fetch_and_add(&d->packets, 1);
		__sync_fetch_and_add(&d->bytes, data_end - data);
	}
	return XDP_DROP;
}
