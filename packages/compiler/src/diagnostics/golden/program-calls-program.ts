// @members
  @tracepoint("syscalls", "sys_enter_read")
  other(ctx: SysEnterContext): i32 { return 0; }
// @body
this.other(ctx);
