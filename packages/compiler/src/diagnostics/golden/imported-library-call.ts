const m = Math.max(1, 2);
