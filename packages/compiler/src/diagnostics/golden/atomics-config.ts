// @preamble
import { atomics } from "tsbpf";
// @body
atomics.add(this.limit, 1);
