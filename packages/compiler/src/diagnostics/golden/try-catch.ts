try { bpf.ktimeGetNs(); } catch { return 1; }
