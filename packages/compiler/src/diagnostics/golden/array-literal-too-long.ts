// @body
const xs: FixedArray<u32, 2> = [1, 2, 3];
