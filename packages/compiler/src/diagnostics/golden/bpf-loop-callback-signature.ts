// @members
  step(i: u32, j: u32): i64 { return 0n; }
// @body
const n = bpf.loop(10, this.step, 3);
