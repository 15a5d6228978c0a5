for (const key in ctx) { bpf.ktimeGetNs(); }
