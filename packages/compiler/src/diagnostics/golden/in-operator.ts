const has = "args" in ctx;
