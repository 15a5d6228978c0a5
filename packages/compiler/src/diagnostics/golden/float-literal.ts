const ratio = 1.5;
