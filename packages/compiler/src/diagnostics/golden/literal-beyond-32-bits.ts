const huge = 5000000000;
