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

/**
 * `SEC("lwt_in")`, `SEC("lwt_out")`, `SEC("lwt_xmit")`: a lightweight tunnel program, the `bpf`
 * encapsulation of a route (`ip route add … encap bpf in|out|xmit`). "in" runs on packets the
 * route takes from input (forwarded or delivered), "out" on locally generated packets before
 * output, "xmit" just before transmission (it may push headers and rewrite the packet). Takes
 * `SkBuff`, whose packet starts at the network header (no Ethernet header); returns `BPF_OK`,
 * `BPF_DROP`, `BPF_REDIRECT` (xmit) or `BPF_LWT_REROUTE` (in, xmit). Attach with
 * `attach({ route: "10.0.0.2/32", interface, gateway?, netns? })`, which adds that route (and
 * deletes it when the link closes). Kernel 4.10 (CONFIG_LWTUNNEL_BPF).
 * `"seg6local"` (`SEC("lwt_seg6local")`, kernel 4.18) is the `End.BPF` action of an IPv6 segment
 * routing route (CONFIG_IPV6_SEG6_LWTUNNEL); tsbpf loads it but does not add such routes.
 */
export function lwt(hook_: "in" | "out" | "xmit" | "seg6local"): MethodDecorator {
  void hook_;
  return hook();
}

/**
 * `SEC("action")`: a tc action (`BPF_PROG_TYPE_SCHED_ACT`), run as the `bpf` action of a
 * `matchall` filter on an interface's clsact hook. Takes `SkBuff`, returns `TC_ACT_OK`,
 * `TC_ACT_SHOT` (drop), `TC_ACT_PIPE` (go on with the next action) or `TC_ACT_UNSPEC` (the
 * action's default). Attach with `attach({ interface, direction, netns? })`. Kernel 4.1 (matchall
 * 4.8; CONFIG_NET_ACT_BPF and CONFIG_NET_CLS_MATCHALL).
 */
export const tcAction: (method: Function, context: ClassMethodDecoratorContext) => void = bare;

/**
 * `SEC("lirc_mode2")`: an infrared decoder, run for every pulse, space or timeout a LIRC device
 * receives (`LircMode2Context`: `sample`, the kind in the high byte, `LIRC_MODE2_PULSE`..., and
 * the duration in µs in the low 24 bits); it reports keys with `bpf.rcKeydown`/`bpf.rcRepeat`.
 * Attach with `attach({ device: "/dev/lirc0" })`. Kernel 4.18 (CONFIG_BPF_LIRC_MODE2).
 */
export const lircMode2: (method: Function, context: ClassMethodDecoratorContext) => void = bare;
