const kind = typeof pid;
