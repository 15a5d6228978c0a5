// C twin of examples/unlink.bpf.ts, class UnlinkSnoop (fentry/fexit on do_unlinkat; exit_: `exit`
// is a C library function). The arguments are BTF-typed: name->name is a direct load whose offset
// CO-RE relocates (vmlinux.h marks the structs preserve_access_index).
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

SEC("fentry/do_unlinkat")
int BPF_PROG(enter, int dfd, struct filename *name)
{
	u32 pid = bpf_get_current_pid_tgid() >> 32;
	struct unlink_event file = { .pid = pid };
	bpf_probe_read_kernel_str(file.name, sizeof(file.name), name->name);
	bpf_printk("unlink pid=%d file=%s", pid, file.name);
	return 0;
}

SEC("fexit/do_unlinkat")
int BPF_PROG(exit_, int dfd, struct filename *name, int ret)
{
	struct unlink_event event = { .pid = bpf_get_current_pid_tgid() >> 32, .ret = ret };
	bpf_probe_read_kernel_str(event.name, sizeof(event.name), name->name);
	bpf_ringbuf_output(&events, &event, sizeof(event), 0);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
