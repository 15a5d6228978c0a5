const [first] = ctx.args;
