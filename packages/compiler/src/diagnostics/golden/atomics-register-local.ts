// @preamble
import { atomics } from "tsbpf";
// @body
let total: u64 = 0n;
atomics.add(total, 1n);
