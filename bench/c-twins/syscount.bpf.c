// C twin of examples/syscount.bpf.ts: PerCpuHash.increment is lookup, add in place, else insert 1.
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
	if (count) {
		*count += 1;
	} else {
		__u64 one = 1;
		bpf_map_update_elem(&counts, &pid, &one, BPF_NOEXIST);
	}
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
