// @preamble
interface Named { name: string }
// @body
const n: Named = zero();
