// C twin of examples/syscount.bpf.ts: PerCpuHash.increment as bcc's (lookup, else insert zero with
// BPF_NOEXIST and look up again, then an atomic add).
#include "common.h"

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
	__uint(max_entries, 10240);
	__type(key, __u32);
	__type(value, __u64);
} counts SEC(".maps");

const volatile __u32 targetPid = 0;

SEC("tracepoint/raw_syscalls/sys_enter")
int onSyscall(void *ctx)
{
	__u32 pid = bpf_get_current_pid_tgid() >> 32;
	if (targetPid != 0 && pid != targetPid)
		return 0;
	__u64 *count = bpf_map_lookup_elem(&counts, &pid);
	if (!count) {
		__u64 zero = 0;
		bpf_map_update_elem(&counts, &pid, &zero, BPF_NOEXIST);
		count = bpf_map_lookup_elem(&counts, &pid);
	}
	if (count)
		__sync_fetch_and_add(count, 1);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
