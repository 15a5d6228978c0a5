// @members
  constructor() { super(); }
