// @preamble
import { PerCpuArray } from "tsbpf";
interface Slab { data: FixedArray<u64, 5000> }
// @members
  slabs = new PerCpuArray<Slab>({ maxEntries: 4 });
