const far = ctx.args[6];
