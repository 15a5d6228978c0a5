const is = ctx instanceof Object;
