// A libbpf-style program built by clang in the interop test: the runtime must load objects
// that clang and libbpf users produce, not only tsbpf's own.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct write_event {
	__u32 pid;
	__u32 fd;
	__u64 count;
};

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 64 * 1024);
} events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 64);
	__type(key, __u32);
	__type(value, __u64);
} bytes_by_fd SEC(".maps");

const volatile __u32 target_pid = 0;
__u64 total_calls = 0;

struct sys_enter_write_args {
	__u64 common;
	__s64 id;
	__u64 fd;
	__u64 buf;
	__u64 count;
};

SEC("tracepoint/syscalls/sys_enter_write")
int on_write(struct sys_enter_write_args *ctx)
{
	__u32 pid = bpf_get_current_pid_tgid() >> 32;
	if (pid != target_pid)
		return 0;
	__sync_fetch_and_add(&total_calls, 1);
	__u32 fd = ctx->fd;
	__u64 *bytes = bpf_map_lookup_elem(&bytes_by_fd, &fd);
	if (bytes) {
		__sync_fetch_and_add(bytes, ctx->count);
	} else {
		__u64 count = ctx->count;
		bpf_map_update_elem(&bytes_by_fd, &fd, &count, BPF_NOEXIST);
	}
	struct write_event *e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e)
		return 0;
	e->pid = pid;
	e->fd = fd;
	e->count = ctx->count;
	bpf_ringbuf_submit(e, 0);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
