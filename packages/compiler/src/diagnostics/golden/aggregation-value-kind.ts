// @preamble
import { SumMap, CountMap } from "tsbpf";
// @members
  delta = new SumMap<u32, i32>();
// @body
this.delta.record(pid, 1);
