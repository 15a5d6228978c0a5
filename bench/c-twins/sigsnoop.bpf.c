// C twin of examples/sigsnoop.bpf.ts (exit_: `exit` is a C library function).
#include "common.h"

struct kill_start {
	__s32 targetPid;
	__s32 signal;
};

struct signal_event {
	__u32 pid;
	__s32 targetPid;
	__s32 signal;
	__s32 result;
	char comm[16];
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, __u32);
	__type(value, struct kill_start);
} starts SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 256 * 1024);
} events SEC(".maps");

const volatile __u32 targetPid = 0;

SEC("tracepoint/syscalls/sys_enter_kill")
int enter(struct sys_enter_ctx *ctx)
{
	__u64 pidTgid = bpf_get_current_pid_tgid();
	if (targetPid != 0 && (__u32)(pidTgid >> 32) != targetPid)
		return 0;
	__u32 thread = pidTgid;
	struct kill_start start = { .targetPid = ctx->args[0], .signal = ctx->args[1] };
	bpf_map_update_elem(&starts, &thread, &start, 0);
	return 0;
}

SEC("tracepoint/syscalls/sys_exit_kill")
int exit_(struct sys_exit_ctx *ctx)
{
	__u64 pidTgid = bpf_get_current_pid_tgid();
	__u32 thread = pidTgid;
	struct kill_start *start = bpf_map_lookup_elem(&starts, &thread);
	if (!start)
		return 0;
	struct signal_event event = {
		.pid = pidTgid >> 32,
		.targetPid = start->targetPid,
		.signal = start->signal,
		.result = ctx->ret,
	};
	bpf_get_current_comm(event.comm, sizeof(event.comm));
	bpf_ringbuf_output(&events, &event, sizeof(event), 0);
	bpf_map_delete_elem(&starts, &thread);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
