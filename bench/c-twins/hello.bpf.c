// C twin of examples/hello.bpf.ts, for the instruction-count comparison with clang -O2.
#include "common.h"

const volatile __u32 targetPid = 0;

SEC("tracepoint/syscalls/sys_enter_write")
int onWrite(struct sys_enter_ctx *ctx)
{
	__u32 pid = bpf_get_current_pid_tgid() >> 32;
	if (targetPid != 0 && pid != targetPid)
		return 0;
	bpf_printk("hello: write by pid %d to fd %d", pid, ctx->args[0]);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
