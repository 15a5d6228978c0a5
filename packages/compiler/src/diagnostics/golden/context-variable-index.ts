const arg = ctx.args[pid];
