let u: u32 = 0;
if (pid === undefined) u = 1;
