const x = pid as u32;
