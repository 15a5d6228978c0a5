let i: i32 = i32(pid);
bpf.ktimeGetNs();
while (i < 10) { i++; }
