/**
 * Hook decorators of the socket-map program types: sock_ops (per cgroup, on TCP events), sk_skb
 * and sk_msg (on the sockets of a sockmap or sockhash). Section names are libbpf's.
 */
import { hook, recordSource, type MethodDecorator } from "./probe.js";

function bare(_method: Function, context: ClassMethodDecoratorContext): void {
  recordSource(context);
}

/**
 * `SEC("sockops")`: runs at the events of the TCP connections of a cgroup's processes (connect,
 * established, state changes once asked for...). Takes `BpfSockOps`, returns 1 (0 for "reject" in
 * the ops that read a reply). Attach with `attach({ cgroup })`. Kernel 4.13.
 */
export const sockOps: (method: Function, context: ClassMethodDecoratorContext) => void = bare;

/**
 * `SEC("sk_skb/stream_verdict")` (and `stream_parser`, `verdict`): runs on the data received by the
 * sockets of a sockmap or sockhash. Takes `SkBuff`; a verdict program returns `SK_PASS` or
 * `SK_DROP` (after a map's `redirect`, `SK_PASS` sends the data on); a parser returns the length
 * of the next message. Attach with `attach({ map: probe.<sockmap>.fd })`. Kernel 4.14 (`verdict` 5.15).
 */
export function skSkb(kind: "stream_verdict" | "stream_parser" | "verdict"): MethodDecorator {
  void kind;
  return hook();
}

/**
 * `SEC("sk_msg")`: runs on every `sendmsg`/`sendfile` of the sockets of a sockmap or sockhash.
 * Takes `SkMsgMd`, returns `SK_PASS` or `SK_DROP` (after a map's `redirect`, `SK_PASS` sends the
 * data to the chosen socket). Attach with `attach({ map: probe.<sockmap>.fd })`. Kernel 4.17.
 */
export const skMsg: (method: Function, context: ClassMethodDecoratorContext) => void = bare;

/**
 * `SEC("sk_lookup")`: runs when the kernel looks up the socket for an incoming connection or
 * datagram in a network namespace; `bpf.skAssign(ctx, sk, 0n)` with a socket from a sockmap
 * (`this.sockets.lookup(key)`, released with `bpf.skRelease`) steers it there. Takes `BpfSkLookup`,
 * returns `SK_PASS` (the chosen socket, or the normal lookup) or `SK_DROP`. Attach with
 * `attach({ netns? })` (default: this process's). Kernel 5.9.
 */
export const skLookup: (method: Function, context: ClassMethodDecoratorContext) => void = bare;

/**
 * `SEC("sk_reuseport")` (`"migrate"`: `SEC("sk_reuseport/migrate")`, also run when a closing
 * listener's connections move to another, 5.14): runs when a packet or connection arrives for a
 * group of sockets bound to one address with SO_REUSEPORT, and chooses the socket with
 * `this.<reuseportSockArray>.select(ctx, key)`. Takes `SkReuseportMd`, returns `SK_PASS` (the
 * choice, or the kernel's hash without one) or `SK_DROP`. Attach with `attach({ socket })`, any
 * socket of the group (SO_ATTACH_REUSEPORT_EBPF; closing the link detaches it). Kernel 4.19.
 */
export function skReuseport(kind?: "migrate"): MethodDecorator {
  void kind;
  return hook();
}
