const name = "abc";
