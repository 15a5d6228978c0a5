const m = new Map<u32, u32>();
