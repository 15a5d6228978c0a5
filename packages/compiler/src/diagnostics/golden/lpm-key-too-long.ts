// @preamble
import { LpmTrie } from "tsbpf";
interface V6Prefix { prefixLen: u32; data: FixedArray<u8, 257> }
// @members
  routes = new LpmTrie<V6Prefix, u32>({ maxEntries: 16 });
