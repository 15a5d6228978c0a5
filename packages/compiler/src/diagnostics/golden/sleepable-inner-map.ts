// @preamble
import { syscall, ArrayOfMaps, LpmTrie } from "tsbpf";
interface Io { x: u32; y: u32 }
interface Key { prefixLen: u32; data: u32 }
// @members
  tries = new ArrayOfMaps<LpmTrie<Key, u64>>({ maxEntries: 4, inner: new LpmTrie<Key, u64>({ maxEntries: 16 }) });
  @syscall
  match(ctx: Io): i32 {
    const hit = this.tries.at(ctx.x).lookup({ prefixLen: 32, data: ctx.y });
    if (hit) return 1;
    return 0;
  }
