// @preamble
interface Acc { total: u64 }
// @body
const acc: Acc = { total: 0n };
const n = bpf.loop(10, (i: u32) => 0, acc);
