for (let i: u8 = 0; i <= 255; i++) { bpf.ktimeGetNs(); }
