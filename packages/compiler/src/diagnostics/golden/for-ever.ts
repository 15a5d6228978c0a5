for (;;) { bpf.ktimeGetNs(); }
