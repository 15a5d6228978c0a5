// @members
  count = 0;
