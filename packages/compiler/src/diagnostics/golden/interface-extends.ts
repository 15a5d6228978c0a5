// @preamble
interface Base { a: u32 }
interface Derived extends Base { b: u32 }
// @body
const d: Derived = { a: 1, b: 2 };
