const y = <u32>pid;
