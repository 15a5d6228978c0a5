while (true) { bpf.ktimeGetNs(); }
