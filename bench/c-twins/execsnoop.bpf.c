// C twin of examples/execsnoop.bpf.ts: task->real_parent->tgid read directly through the BTF-typed
// current task (bpf_get_current_task_btf, 5.11), its offsets relocated by CO-RE, as tsbpf does.
#include "core.h"

struct exec_event {
	u32 pid;
	u32 ppid;
	u32 uid;
	char comm[16];
	char filename[256];
};

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 256 * 1024);
} events SEC(".maps");

SEC("tracepoint/syscalls/sys_enter_execve")
int onExecve(struct trace_event_raw_sys_enter *ctx)
{
	struct task_struct *task = bpf_get_current_task_btf();
	struct exec_event event = {
		.pid = bpf_get_current_pid_tgid() >> 32,
		.ppid = task->real_parent->tgid,
		.uid = bpf_get_current_uid_gid(),
	};
	bpf_get_current_comm(event.comm, sizeof(event.comm));
	bpf_probe_read_user_str(event.filename, sizeof(event.filename), (void *)ctx->args[0]);
	bpf_ringbuf_output(&events, &event, sizeof(event), 0);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
