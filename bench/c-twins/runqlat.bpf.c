// C twin of examples/runqlat.bpf.ts (tp_btf: the task pointers are BTF-typed, read directly with
// CO-RE field offsets, as libbpf-tools' runqlat does).
#include "core.h"

#define TASK_RUNNING 0

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, u32);
	__type(value, u64);
} start SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 27);
	__type(key, u32);
	__type(value, u64);
} hist SEC(".maps");

static int enqueue(u32 pid)
{
	if (pid == 0)
		return 0;
	u64 ts = bpf_ktime_get_ns();
	bpf_map_update_elem(&start, &pid, &ts, 0);
	return 0;
}

SEC("tp_btf/sched_wakeup")
int BPF_PROG(onWakeup, struct task_struct *p)
{
	return enqueue(p->pid);
}

SEC("tp_btf/sched_wakeup_new")
int BPF_PROG(onWakeupNew, struct task_struct *p)
{
	return enqueue(p->pid);
}

SEC("tp_btf/sched_switch")
int BPF_PROG(onSwitch, bool preempt, struct task_struct *prev, struct task_struct *next)
{
	if (prev->__state == TASK_RUNNING)
		enqueue(prev->pid);
	u32 pid = next->pid;
	u64 *since = bpf_map_lookup_elem(&start, &pid);
	if (!since)
		return 0;
	u64 micros = (bpf_ktime_get_ns() - *since) / 1000;
	bpf_map_delete_elem(&start, &pid);
	u32 slot = 0;
	for (int i = 0; i < 26; i++) {
		if (micros <= 1)
			break;
		micros >>= 1;
		slot++;
	}
	u64 *count = bpf_map_lookup_elem(&hist, &slot);
	if (count)
		*count += 1;
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
