bpf.printk("%d", ctx);
