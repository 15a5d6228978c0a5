bpf.printk("%d %d", pid);
