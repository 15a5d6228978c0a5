bpf.printk("%q", pid);
