const q = pid / 0;
