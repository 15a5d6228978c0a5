// @preamble
type Either = u32 | u64;
// @body
const e: Either = pid;
