// C twin of examples/profile.bpf.ts (HashMap.increment as bcc's: lookup, else insert zero with
// BPF_NOEXIST and look up again, then an atomic add).
#include "core.h"

struct sample_key {
	u32 pid;
	s32 kernelStack;
	s32 userStack;
	char comm[16];
};

struct {
	__uint(type, BPF_MAP_TYPE_STACK_TRACE);
	__uint(max_entries, 16384);
	__uint(key_size, sizeof(u32));
	__uint(value_size, 127 * sizeof(u64));
} stacks SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16384);
	__type(key, struct sample_key);
	__type(value, u64);
} counts SEC(".maps");

const volatile u32 targetPid = 0;

SEC("perf_event")
int sample(struct bpf_perf_event_data *ctx)
{
	u32 pid = bpf_get_current_pid_tgid() >> 32;
	if (pid == 0 || (targetPid != 0 && pid != targetPid))
		return 0;
	struct sample_key key = {
		.pid = pid,
		.kernelStack = bpf_get_stackid(ctx, &stacks, 0),
		.userStack = bpf_get_stackid(ctx, &stacks, BPF_F_USER_STACK),
	};
	bpf_get_current_comm(key.comm, sizeof(key.comm));
	u64 *count = bpf_map_lookup_elem(&counts, &key);
	if (!count) {
		u64 zero = 0;
		bpf_map_update_elem(&counts, &key, &zero, BPF_NOEXIST);
		count = bpf_map_lookup_elem(&counts, &key);
	}
	if (count)
		__sync_fetch_and_add(count, 1);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
