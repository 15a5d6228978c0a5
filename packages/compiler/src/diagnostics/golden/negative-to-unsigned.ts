const back: u32 = -1;
