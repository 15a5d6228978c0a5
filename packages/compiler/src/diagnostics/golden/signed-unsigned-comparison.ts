if (pid > -1) return 1;
