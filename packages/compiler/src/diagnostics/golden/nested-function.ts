function inner(): u32 { return 1; }
