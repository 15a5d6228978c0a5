const half: u32 = u32(pid * 0.5);
