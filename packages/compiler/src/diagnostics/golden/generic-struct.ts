// @preamble
interface Box<T> { v: T }
// @body
const b: Box<u32> = { v: 1 };
