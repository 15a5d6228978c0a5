// @members
  @tracepoint("syscalls", "sys_enter_read")
  async two(ctx: SysEnterContext): Promise<i32> { return 0; }
