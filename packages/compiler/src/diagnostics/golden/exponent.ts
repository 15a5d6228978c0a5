const sq = pid ** 2;
