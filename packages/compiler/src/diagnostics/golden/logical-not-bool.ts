const both = pid > 1 || 5;
