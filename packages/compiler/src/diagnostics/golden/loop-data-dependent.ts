let n: u32 = pid;
while (n !== 1) { n = n % 2 === 0 ? n / 2 : 3 * n + 1; }
