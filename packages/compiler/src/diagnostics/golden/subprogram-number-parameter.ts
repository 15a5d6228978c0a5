// @preamble
function twice(x: number): number { return x * 2; }
// @body
const t = twice(pid);
