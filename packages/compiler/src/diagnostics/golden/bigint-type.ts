let big: bigint = 1n;
