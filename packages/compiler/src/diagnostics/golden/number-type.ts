let plain: number = 1;
