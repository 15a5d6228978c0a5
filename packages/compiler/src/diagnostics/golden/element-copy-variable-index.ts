// @preamble
interface Pair { a: u32; b: u32 }
interface Pairs { list: FixedArray<Pair, 4> }
// @body
const ps: Pairs = zero();
const one: Pair = ps.list[pid];
