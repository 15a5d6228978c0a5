const loose: any = 1;
