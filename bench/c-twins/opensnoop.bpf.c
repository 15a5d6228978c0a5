// C twin of examples/opensnoop.bpf.ts.
#include "common.h"

struct open_event {
	__u32 pid;
	__u32 uid;
	char comm[16];
	char filename[256];
};

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 256 * 1024);
} events SEC(".maps");

SEC("tracepoint/syscalls/sys_enter_openat")
int onOpenat(struct sys_enter_ctx *ctx)
{
	struct open_event event = {
		.pid = bpf_get_current_pid_tgid() >> 32,
		.uid = bpf_get_current_uid_gid(),
	};
	bpf_get_current_comm(event.comm, sizeof(event.comm));
	bpf_probe_read_user_str(event.filename, sizeof(event.filename), (void *)ctx->args[1]);
	bpf_ringbuf_output(&events, &event, sizeof(event), 0);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
