/**
 * Socket maps (sockmap, sockhash): `update(ctx, key, flags?)` stores the socket of a sock_ops
 * program's context (bpf_sock_map_update / bpf_sock_hash_update); `redirect(ctx, key, flags?)`
 * picks the socket an sk_skb program's packet or an sk_msg program's message goes to
 * (bpf_sk_redirect_map/_hash, bpf_msg_redirect_map/_hash: which pair follows the program's
 * section). A sockmap's key is a u32, by value for the redirects and by address for the update,
 * as the helpers take them; a sockhash's key is always by address.
 */
import { VOID } from "../../checker/types.js";
import { Codes } from "../../diagnostics/codes.js";
import { MapHelper } from "./helper-ids.js";
import { fail } from "../errors.js";
import type { RValue } from "../values.js";
import { callHelper, contextArgument, intArgument, keyArgument, u64Argument, unsupportedMethod, type MapCall } from "./call-support.js";

const SockHelper = {
  skRedirectMap: 52, // bpf_sk_redirect_map(skb, map, u32 key, flags)
  sockMapUpdate: 53, // bpf_sock_map_update(skops, map, void *key, flags)
  msgRedirectMap: 60, // bpf_msg_redirect_map(msg, map, u32 key, flags)
  sockHashUpdate: 70, // bpf_sock_hash_update(skops, map, void *key, flags)
  msgRedirectHash: 71, // bpf_msg_redirect_hash(msg, map, void *key, flags)
  skRedirectHash: 72, // bpf_sk_redirect_hash(skb, map, void *key, flags)
} as const;

export function lowerSocketMapMethod(c: MapCall): RValue {
  const hash = c.map.dslClass === "SockHash";
  switch (c.method) {
    case "update": {
      const ctx = contextArgument(c, 0);
      return callHelper(c, hash ? SockHelper.sockHashUpdate : SockHelper.sockMapUpdate, [ctx, c.mapOperand, keyArgument(c, 1), u64Argument(c, 2)], "i64");
    }
    case "redirect": {
      const section = c.L.program.section;
      const msg = section === "sk_msg";
      if (!msg && !section.startsWith("sk_skb")) {
        fail(Codes.MapMethod, c.node, `${c.map.name}.redirect() runs in @skSkb and @skMsg programs, not in '${section}'`);
      }
      const ctx = contextArgument(c, 0);
      const key = hash ? keyArgument(c, 1) : intArgument(c, 1, "key", "u32");
      const helper = msg ? (hash ? SockHelper.msgRedirectHash : SockHelper.msgRedirectMap) : (hash ? SockHelper.skRedirectHash : SockHelper.skRedirectMap);
      return callHelper(c, helper, [ctx, c.mapOperand, key, u64Argument(c, 2)], "i64");
    }
    case "lookup":
      // A referenced socket (PTR_TO_SOCKET_OR_NULL): opaque here, for bpf.skAssign/skRelease.
      return callHelper(c, MapHelper.lookup, [c.mapOperand, keyArgument(c, 0)], "ptr", VOID);
    default:
      return unsupportedMethod(c);
  }
}

/** bpf_sk_select_reuseport(reuse_md, map, void *key, flags), kernel 4.19. */
const SK_SELECT_REUSEPORT = 82;

/** A reuseport socket array's `select(ctx, key, flags?)`: the key by address, as the helper takes it. */
export function lowerReuseportMethod(c: MapCall): RValue {
  if (c.method !== "select") return unsupportedMethod(c);
  const section = c.L.program.section;
  if (!section.startsWith("sk_reuseport")) fail(Codes.MapMethod, c.node, `${c.map.name}.select() runs in @skReuseport programs, not in '${section}'`);
  const ctx = contextArgument(c, 0);
  return callHelper(c, SK_SELECT_REUSEPORT, [ctx, c.mapOperand, keyArgument(c, 1), u64Argument(c, 2)], "i64");
}
