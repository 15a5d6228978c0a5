ctx.id = 1n;
