let i: u32 = 0;
while (i < 10) { if (pid > 3) i++; }
