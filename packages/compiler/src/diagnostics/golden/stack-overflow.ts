// @preamble
interface Big { a: CharArray<300>; b: CharArray<300> }
// @body
const one: Big = zero();
bpf.getCurrentComm(one.a);
bpf.getCurrentComm(one.b);
