const g = function () { return 1; };
