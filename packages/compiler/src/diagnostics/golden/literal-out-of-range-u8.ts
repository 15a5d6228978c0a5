const small: u8 = 300;
