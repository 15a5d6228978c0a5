let s: u64 = 0n;
for (let i: u32 = 0; i < 100000; i++) { s += 1n; }
