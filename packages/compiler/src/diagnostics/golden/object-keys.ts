const keys = Object.keys(ctx);
