// Extern symbols (kfunc calls) and a bpf_printk format string: relocations against undefined
// symbols and a static variable in .rodata. Read, not loaded (tp_btf needs BTF-enabled tracing).
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "GPL";

extern void bpf_rcu_read_lock(void) __ksym;
extern void bpf_rcu_read_unlock(void) __ksym;

SEC("tp_btf/sys_enter")
int handle_btf(void *ctx)
{
	bpf_rcu_read_lock();
	bpf_printk("hello %d", 1);
	bpf_rcu_read_unlock();
	return 0;
}
