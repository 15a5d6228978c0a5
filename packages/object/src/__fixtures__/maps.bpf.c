// Map definitions beyond key/value: map-in-map (`values` with an inner struct), a prog array,
// a bloom filter with map_extra, numa_node. Compiled at test time; never committed as .o.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "GPL";

struct inner {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, __u64);
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH_OF_MAPS);
	__uint(max_entries, 8);
	__type(key, __u32);
	__array(values, struct inner);
} outer SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, 4);
	__type(key, __u32);
	__array(values, int(void *));
} jumps SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_BLOOM_FILTER);
	__uint(max_entries, 64);
	__type(value, __u32);
	__uint(map_extra, 3);
	__uint(numa_node, 0);
} seen SEC(".maps");

SEC("xdp")
int use_maps(struct xdp_md *ctx)
{
	__u32 key = 0;
	void *inner = bpf_map_lookup_elem(&outer, &key);
	if (inner)
		bpf_map_lookup_elem(inner, &key);
	bpf_map_push_elem(&seen, &key, 0);
	bpf_tail_call(ctx, &jumps, 0);
	return XDP_PASS;
}
