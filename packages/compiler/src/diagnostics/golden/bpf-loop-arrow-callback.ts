const n = bpf.loop(10, (i: u32) => 0n);
