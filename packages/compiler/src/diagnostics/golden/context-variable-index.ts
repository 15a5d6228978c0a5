// @preamble
import { tc, type SkBuff } from "tsbpf";
// @members
  @tc("ingress")
  classify(skb: SkBuff): i32 {
    const slot = skb.mark & 3;
    return i32(skb.cb[slot]);
  }
