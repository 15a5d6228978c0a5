// @preamble
function untyped(x: u32) { return x; }
// @body
const t = untyped(pid);
