// @preamble
import { atomics } from "tsbpf";
interface Small { flags: u8 }
// @members
  small = new HashMap<u32, Small>({ maxEntries: 8 });
// @body
const s = this.small.lookup(pid);
if (s) atomics.or(s.flags, 1);
