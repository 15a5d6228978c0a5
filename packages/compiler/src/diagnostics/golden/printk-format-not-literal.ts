const fmt = 1;
bpf.printk(fmt);
