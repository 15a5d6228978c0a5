// A libbpf CO-RE program as clang builds it: its own minimal view of task_struct (with
// preserve_access_index, so every access is relocated), read through BPF_CORE_READ chains.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>

struct task_struct {
	int pid;
	int tgid;
	struct task_struct *real_parent;
	char comm[16];
	unsigned long tsbpf_absent;
} __attribute__((preserve_access_index));

struct task_struct___flavour {
	int tgid;
} __attribute__((preserve_access_index));

struct result {
	int pid;
	int tgid;
	int ppid;
	int comm_exists;
	int absent_exists;
	int flavour_tgid;
	int task_size;
	int pad;
	char comm[16];
};

SEC("syscall")
int read_task(struct result *out)
{
	struct task_struct *task = (void *)bpf_get_current_task();
	struct task_struct___flavour *same = (void *)task;

	out->pid = BPF_CORE_READ(task, pid);
	out->tgid = BPF_CORE_READ(task, tgid);
	out->ppid = BPF_CORE_READ(task, real_parent, tgid);
	out->comm_exists = bpf_core_field_exists(task->comm);
	out->absent_exists = bpf_core_field_exists(task->tsbpf_absent);
	if (bpf_core_field_exists(task->tsbpf_absent))
		out->pad = BPF_CORE_READ(task, tsbpf_absent); /* poisoned, never runs */
	out->flavour_tgid = BPF_CORE_READ(same, tgid);
	out->task_size = bpf_core_type_size(struct task_struct);
	char comm[16] = {};
	BPF_CORE_READ_STR_INTO(&comm, task, comm); /* helpers may not write into a syscall ctx */
	__builtin_memcpy(out->comm, comm, sizeof(comm));
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
