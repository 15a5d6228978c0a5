// @members
  async work(): Promise<u32> { return 1; }
// @body
this.work();
