bpf.getCurrentComm(pid);
