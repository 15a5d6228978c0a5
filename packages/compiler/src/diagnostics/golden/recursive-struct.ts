// @preamble
interface Node { next: Node; v: u32 }
// @body
const n: Node = zero();
