// @members
  fact(n: u32): u32 { return n === 0 ? 1 : n * this.fact(n - 1); }
// @body
const f = this.fact(5);
