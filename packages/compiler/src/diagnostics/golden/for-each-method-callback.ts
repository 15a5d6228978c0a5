// @members
  step(key: u32, value: Ptr<u64>): 0 { return 0; }
// @body
const n = this.counts.forEach(this.step);
