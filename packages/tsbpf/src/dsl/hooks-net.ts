/**
 * Hook decorators of the network and cgroup program types. Each names the ELF section libbpf
 * names (which sets the program type and expected attach type); the compiler reads the arguments
 * from the source, so they must be literals. Attach with `probe.programs.<name>.attach({ ... })`:
 * an interface for XDP and tc, a cgroup path for cgroup hooks, a socket for socket filters.
 */
import { hook, recordSource, type MethodDecorator } from "./probe.js";

/** A decorator used bare (`@xdp`): only records the source. */
function bare(_method: Function, context: ClassMethodDecoratorContext): void {
  recordSource(context);
}

/**
 * `SEC("xdp")`: an XDP program, run by the driver on every received packet before the kernel
 * allocates anything. Takes `XdpContext`, returns an action (`XDP_PASS`, `XDP_DROP`, `XDP_TX`,
 * `XDP_REDIRECT`, `XDP_ABORTED`). Kernel 4.8 (BPF links 5.9).
 */
export const xdp: (method: Function, context: ClassMethodDecoratorContext) => void = bare;

/**
 * `SEC("tc")` (classic tc: a `clsact` qdisc with a direct-action filter; direction at attach) or
 * `SEC("tc/ingress")`/`SEC("tc/egress")`. Takes `SkBuff`, returns `TC_ACT_OK`, `TC_ACT_SHOT`, ...
 * Kernel 4.1 (direct action 4.4).
 */
export function tc(direction?: "ingress" | "egress"): MethodDecorator {
  void direction;
  return hook();
}

/**
 * `SEC("tcx/ingress")`/`SEC("tcx/egress")`: tc programs attached through BPF links (no qdisc).
 * Takes `SkBuff`, returns `TCX_NEXT`, `TCX_PASS`, `TCX_DROP` or `TCX_REDIRECT`. Kernel 6.6.
 */
export function tcx(direction: "ingress" | "egress"): MethodDecorator {
  void direction;
  return hook();
}

/**
 * `SEC("socket")`: a socket filter, attached to a socket (SO_ATTACH_BPF). Takes `SkBuff` (no
 * direct packet access); returns how many bytes of the packet to keep (0 drops it). Kernel 3.19.
 */
export const socketFilter: (method: Function, context: ClassMethodDecoratorContext) => void = bare;

/**
 * `SEC("cgroup_skb/ingress")`/`SEC("cgroup_skb/egress")`: runs on the packets of the sockets of a
 * cgroup. Takes `SkBuff`, returns 1 to allow, 0 to drop. Kernel 4.10.
 */
export function cgroupSkb(direction: "ingress" | "egress"): MethodDecorator {
  void direction;
  return hook();
}

/**
 * `SEC("cgroup/<hook>")` for socket creation and release, and post-bind: `sock_create`,
 * `sock_release`, `post_bind4`, `post_bind6`. Takes `BpfSock`, returns 1 to allow, 0 to refuse
 * (EPERM). Kernel 4.10 (sock_release 5.9).
 */
export function cgroupSock(hook_: "sock_create" | "sock_release" | "post_bind4" | "post_bind6"): MethodDecorator {
  void hook_;
  return hook();
}

/**
 * `SEC("cgroup/<hook>")` on socket addresses: `bind4`, `bind6`, `connect4`, `connect6`,
 * `getpeername4/6`, `getsockname4/6`, `sendmsg4/6`, `recvmsg4/6`, `connect_unix`, ... Takes
 * `BpfSockAddr` (the address may be rewritten), returns 1 to allow, 0 to refuse. Kernel 4.17.
 */
export function cgroupSockAddr(hook_: string): MethodDecorator {
  void hook_;
  return hook();
}

/** `SEC("cgroup/getsockopt")`/`SEC("cgroup/setsockopt")`: takes `BpfSockopt`, returns 1 or 0. Kernel 5.3. */
export function cgroupSockopt(hook_: "getsockopt" | "setsockopt"): MethodDecorator {
  void hook_;
  return hook();
}

/** `SEC("cgroup/sysctl")`: sysctl reads and writes from the cgroup; takes `BpfSysctl`, returns 1 or 0. Kernel 5.2. */
export const cgroupSysctl: (method: Function, context: ClassMethodDecoratorContext) => void = bare;

/** `SEC("cgroup/dev")`: device access from the cgroup; takes `BpfCgroupDevCtx`, returns 1 or 0. Kernel 4.15. */
export const cgroupDevice: (method: Function, context: ClassMethodDecoratorContext) => void = bare;

/**
 * `SEC("flow_dissector")`: replaces the kernel's flow dissector in a network namespace. Takes
 * `SkBuff` (whose `flow_keys` it fills), returns `BPF_OK` (0) or `BPF_DROP` (2). Kernel 4.20.
 */
export const flowDissector: (method: Function, context: ClassMethodDecoratorContext) => void = bare;
