// @members
  ring = new RingBuf<u32>({ size: 1 << 30 });
