// @members
  *gen(): Generator<u32> { yield 1; }
// @body
this.gen();
