const f = () => pid + 1;
