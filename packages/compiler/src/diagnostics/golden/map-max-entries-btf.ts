// @members
  big = new HashMap<u32, u64>({ maxEntries: 2000000000 });
