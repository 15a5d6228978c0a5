// @preamble
function even(n: u32): u32 { return n === 0 ? 1 : odd(n - 1); }
function odd(n: u32): u32 { return n === 0 ? 0 : even(n - 1); }
// @body
const e = even(pid);
