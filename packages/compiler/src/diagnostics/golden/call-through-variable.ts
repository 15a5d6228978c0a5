const f = bpf.ktimeGetNs;
