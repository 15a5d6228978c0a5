for (let i: u32 = 0; i < 10; i++) { i = pid; }
