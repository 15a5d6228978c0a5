// C twin of examples/bashreadline.bpf.ts.
#include "common.h"
#include <asm/ptrace.h>

struct readline_event {
	__u32 pid;
	char line[80];
};

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 64 * 1024);
} events SEC(".maps");

SEC("uretprobe//bin/bash:readline")
int onReadline(struct pt_regs *ctx)
{
	const char *line = (const char *)ctx->rax;
	if (!line)
		return 0;
	struct readline_event event = { .pid = bpf_get_current_pid_tgid() >> 32 };
	bpf_probe_read_user_str(event.line, sizeof(event.line), line);
	bpf_ringbuf_output(&events, &event, sizeof(event), 0);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
