// @preamble
function make(): Event { return zero(); }
// @body
const e = make();
