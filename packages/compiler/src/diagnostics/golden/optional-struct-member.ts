// @preamble
interface Maybe { a?: u32 }
// @body
const m: Maybe = { a: 1 };
