// @members
  @tracepoint("syscalls", "sys_enter_read")
  three(ctx: SysEnterContext, extra: u32): i32 { return 0; }
