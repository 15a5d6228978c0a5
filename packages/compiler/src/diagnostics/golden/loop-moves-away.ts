for (let i: i32 = 10; i < 20; i--) { bpf.ktimeGetNs(); }
