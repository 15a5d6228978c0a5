// A libbpf-style program that exercises what the ELF reader must understand in clang's output:
// BTF-defined maps in both __type and __uint(key_size) forms and with pinning, .rodata/.data/.bss
// globals (including a static one), a static and a global subprogram, a subprogram calling another
// in the same section without a relocation, a bpf_loop callback (function address), several
// programs in one section, and a CO-RE field read. Compiled at test time; never committed as .o.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>

char LICENSE[] SEC("license") = "Dual BSD/GPL";

struct event {
	__u32 pid;
	__u64 ts;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, __u32);
	__type(value, struct event);
} starts SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(key_size, 4);
	__uint(value_size, 8);
	__uint(max_entries, 4);
	__uint(map_flags, 0);
} counters SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4096);
	__uint(pinning, LIBBPF_PIN_NONE);
} events SEC(".maps");

const volatile __u32 target_pid = 0;
const volatile __u64 min_ts = 7;
__u64 total = 3;
__u32 hits;
static __u32 static_hits;

/* A local definition of a kernel type: CO-RE matches it to vmlinux's task_struct by name. */
struct task_struct {
	int tgid;
} __attribute__((preserve_access_index));

static __noinline __u32 add_one(__u32 x)
{
	static_hits++;
	return x + 1;
}

__noinline int global_helper(__u32 x)
{
	return add_one(x) * 2;
}

static int loop_cb(__u32 idx, void *ctx)
{
	hits += idx;
	return 0;
}

SEC("tracepoint/syscalls/sys_enter_write")
int handle_write(void *ctx)
{
	__u32 pid = bpf_get_current_pid_tgid() >> 32;
	if (target_pid && pid != target_pid)
		return 0;
	struct event e = { .pid = add_one(pid), .ts = bpf_ktime_get_ns() };
	bpf_map_update_elem(&starts, &pid, &e, BPF_ANY);
	total += global_helper(pid);
	return 0;
}

SEC("tracepoint/syscalls/sys_enter_read")
int handle_read(void *ctx)
{
	__u32 k = 0;
	__u64 *v = bpf_map_lookup_elem(&counters, &k);
	if (v)
		__sync_fetch_and_add(v, 1);
	bpf_loop(4, loop_cb, 0, 0);
	return add_one(hits) > min_ts;
}

SEC("tracepoint/syscalls/sys_enter_read")
int handle_read2(void *ctx)
{
	struct task_struct *t = (void *)bpf_get_current_task();
	int tgid = BPF_CORE_READ(t, tgid);
	void *r = bpf_ringbuf_reserve(&events, 8, 0);
	if (r)
		bpf_ringbuf_discard(r, 0);
	return tgid == 0;
}
