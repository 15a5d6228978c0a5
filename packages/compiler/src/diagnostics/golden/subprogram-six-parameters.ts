// @preamble
function six(a: u32, b: u32, c: u32, d: u32, e: u32, f: u32): u32 { return a + b + c + d + e + f; }
// @body
const s = six(1, 2, 3, 4, 5, 6);
