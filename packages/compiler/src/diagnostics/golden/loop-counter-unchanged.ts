let i: u32 = 0;
while (i < 10) { bpf.ktimeGetNs(); }
