// C twin of examples/unlink.bpf.ts, class UnlinkKprobes (kprobe/kretprobe on do_unlinkat).
#include "core.h"

struct unlink_event {
	u32 pid;
	s64 ret;
	char name[256];
};

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 256 * 1024);
} events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, u64);
	__type(value, u64);
} names SEC(".maps");

SEC("kprobe/do_unlinkat")
int BPF_KPROBE(enter, int dfd, struct filename *name)
{
	u64 id = bpf_get_current_pid_tgid();
	u64 address = (u64)BPF_CORE_READ(name, name);
	bpf_map_update_elem(&names, &id, &address, 0);
	return 0;
}

SEC("kretprobe/do_unlinkat")
int BPF_KRETPROBE(exit_, int ret)
{
	u64 id = bpf_get_current_pid_tgid();
	u64 *address = bpf_map_lookup_elem(&names, &id);
	if (!address)
		return 0;
	struct unlink_event event = { .pid = id >> 32, .ret = ret };
	bpf_probe_read_kernel_str(event.name, sizeof(event.name), (void *)*address);
	bpf_ringbuf_output(&events, &event, sizeof(event), 0);
	bpf_map_delete_elem(&names, &id);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
