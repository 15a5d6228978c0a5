/**
 * Program type, expected attach type and hook from an ELF section name, the libbpf way
 * (libbpf.c's section_defs): "tracepoint/syscalls/sys_enter_write", "raw_tp/sched_switch",
 * "xdp", "syscall", ... A definition ending in "+" matches the bare name or the name followed
 * by "/" and a target; the others match exactly.
 */
import { ObjectError } from "../errors.js";
import { AttachType, ProgFlags, ProgType } from "./types.js";

/** How a program of a section attaches (what `attach()` does with it). */
export type Hook =
  | "tracepoint"
  | "raw_tracepoint"
  | "kprobe"
  | "kretprobe"
  | "uprobe"
  | "uretprobe"
  | "usdt"
  | "tracing" // fentry/fexit/fmod_ret/tp_btf/iter: attach_btf_id at load
  | "lsm"
  | "perf_event" // needs the event: attach({ event, frequency | samplePeriod })
  | "xdp" // needs the interface: attach({ interface, mode })
  | "tcx" // tc/ingress, tcx/egress, ...: attach({ interface })
  | "tc" // classic tc filter: attach({ interface, direction })
  | "socket" // attach({ socket })
  | "cgroup" // attach({ cgroup })
  | "flow_dissector" // attach({ netns })
  | "sockmap" // sk_skb, sk_msg: attach({ map }), a sockmap or sockhash
  | "sk_lookup" // attach({ netns })
  | "sk_reuseport" // attach({ socket }): a socket of the SO_REUSEPORT group
  | "lwt" // lwt_in/out/xmit/seg6local: attach({ route, interface }), a route with bpf encapsulation (End.BPF)
  | "lirc" // lirc_mode2: attach({ device: "/dev/lirc0" })
  | "tc_action" // sched_act: attach({ interface, direction }), a matchall filter with a bpf action
  | "struct_ops" // registered through its struct_ops map
  | "none"; // loaded only: run through BPF_PROG_TEST_RUN or attached by hand

export interface SectionDef {
  /** The section name or prefix ("+": with an optional "/target"). */
  name: string;
  progType: number;
  expectedAttachType?: number;
  flags?: number;
  hook: Hook;
  /** Loading needs the BTF id of the target in vmlinux (tracing, lsm, iter). */
  needsAttachBtfId?: boolean;
}

const defs: SectionDef[] = [
  { name: "socket", progType: ProgType.SOCKET_FILTER, hook: "socket" },
  { name: "sk_reuseport/migrate", progType: ProgType.SK_REUSEPORT, expectedAttachType: AttachType.SK_REUSEPORT_SELECT_OR_MIGRATE, hook: "sk_reuseport" },
  { name: "sk_reuseport", progType: ProgType.SK_REUSEPORT, expectedAttachType: AttachType.SK_REUSEPORT_SELECT, hook: "sk_reuseport" },
  { name: "kprobe+", progType: ProgType.KPROBE, hook: "kprobe" },
  { name: "uprobe+", progType: ProgType.KPROBE, hook: "uprobe" },
  { name: "uprobe.s+", progType: ProgType.KPROBE, flags: ProgFlags.SLEEPABLE, hook: "uprobe" },
  { name: "kretprobe+", progType: ProgType.KPROBE, hook: "kretprobe" },
  { name: "uretprobe+", progType: ProgType.KPROBE, hook: "uretprobe" },
  { name: "uretprobe.s+", progType: ProgType.KPROBE, flags: ProgFlags.SLEEPABLE, hook: "uretprobe" },
  { name: "ksyscall+", progType: ProgType.KPROBE, hook: "kprobe" },
  { name: "kretsyscall+", progType: ProgType.KPROBE, hook: "kretprobe" },
  { name: "kprobe.multi+", progType: ProgType.KPROBE, expectedAttachType: AttachType.TRACE_KPROBE_MULTI, hook: "kprobe" },
  { name: "kretprobe.multi+", progType: ProgType.KPROBE, expectedAttachType: AttachType.TRACE_KPROBE_MULTI, hook: "kretprobe" },
  { name: "uprobe.multi+", progType: ProgType.KPROBE, expectedAttachType: AttachType.TRACE_UPROBE_MULTI, hook: "uprobe" },
  { name: "uretprobe.multi+", progType: ProgType.KPROBE, expectedAttachType: AttachType.TRACE_UPROBE_MULTI, hook: "uretprobe" },
  { name: "usdt+", progType: ProgType.KPROBE, hook: "usdt" },
  { name: "tc/ingress", progType: ProgType.SCHED_CLS, expectedAttachType: AttachType.TCX_INGRESS, hook: "tcx" },
  { name: "tc/egress", progType: ProgType.SCHED_CLS, expectedAttachType: AttachType.TCX_EGRESS, hook: "tcx" },
  { name: "tcx/ingress", progType: ProgType.SCHED_CLS, expectedAttachType: AttachType.TCX_INGRESS, hook: "tcx" },
  { name: "tcx/egress", progType: ProgType.SCHED_CLS, expectedAttachType: AttachType.TCX_EGRESS, hook: "tcx" },
  { name: "tc", progType: ProgType.SCHED_CLS, hook: "tc" },
  { name: "classifier", progType: ProgType.SCHED_CLS, hook: "tc" },
  { name: "action", progType: ProgType.SCHED_ACT, hook: "tc_action" },
  { name: "tracepoint+", progType: ProgType.TRACEPOINT, hook: "tracepoint" },
  { name: "tp+", progType: ProgType.TRACEPOINT, hook: "tracepoint" },
  { name: "raw_tracepoint+", progType: ProgType.RAW_TRACEPOINT, hook: "raw_tracepoint" },
  { name: "raw_tp+", progType: ProgType.RAW_TRACEPOINT, hook: "raw_tracepoint" },
  { name: "raw_tracepoint.w+", progType: ProgType.RAW_TRACEPOINT_WRITABLE, hook: "raw_tracepoint" },
  { name: "raw_tp.w+", progType: ProgType.RAW_TRACEPOINT_WRITABLE, hook: "raw_tracepoint" },
  { name: "tp_btf+", progType: ProgType.TRACING, expectedAttachType: AttachType.TRACE_RAW_TP, hook: "tracing", needsAttachBtfId: true },
  { name: "fentry+", progType: ProgType.TRACING, expectedAttachType: AttachType.TRACE_FENTRY, hook: "tracing", needsAttachBtfId: true },
  { name: "fmod_ret+", progType: ProgType.TRACING, expectedAttachType: AttachType.MODIFY_RETURN, hook: "tracing", needsAttachBtfId: true },
  { name: "fexit+", progType: ProgType.TRACING, expectedAttachType: AttachType.TRACE_FEXIT, hook: "tracing", needsAttachBtfId: true },
  { name: "fentry.s+", progType: ProgType.TRACING, expectedAttachType: AttachType.TRACE_FENTRY, flags: ProgFlags.SLEEPABLE, hook: "tracing", needsAttachBtfId: true },
  { name: "fmod_ret.s+", progType: ProgType.TRACING, expectedAttachType: AttachType.MODIFY_RETURN, flags: ProgFlags.SLEEPABLE, hook: "tracing", needsAttachBtfId: true },
  { name: "fexit.s+", progType: ProgType.TRACING, expectedAttachType: AttachType.TRACE_FEXIT, flags: ProgFlags.SLEEPABLE, hook: "tracing", needsAttachBtfId: true },
  { name: "freplace+", progType: ProgType.EXT, hook: "tracing", needsAttachBtfId: true },
  { name: "lsm+", progType: ProgType.LSM, expectedAttachType: AttachType.LSM_MAC, hook: "lsm", needsAttachBtfId: true },
  { name: "lsm.s+", progType: ProgType.LSM, expectedAttachType: AttachType.LSM_MAC, flags: ProgFlags.SLEEPABLE, hook: "lsm", needsAttachBtfId: true },
  { name: "lsm_cgroup+", progType: ProgType.LSM, expectedAttachType: AttachType.LSM_CGROUP, hook: "none", needsAttachBtfId: true },
  { name: "iter+", progType: ProgType.TRACING, expectedAttachType: AttachType.TRACE_ITER, hook: "tracing", needsAttachBtfId: true },
  { name: "iter.s+", progType: ProgType.TRACING, expectedAttachType: AttachType.TRACE_ITER, flags: ProgFlags.SLEEPABLE, hook: "tracing", needsAttachBtfId: true },
  { name: "syscall", progType: ProgType.SYSCALL, flags: ProgFlags.SLEEPABLE, hook: "none" },
  { name: "xdp.frags/devmap", progType: ProgType.XDP, expectedAttachType: AttachType.XDP_DEVMAP, flags: ProgFlags.XDP_HAS_FRAGS, hook: "none" },
  { name: "xdp/devmap", progType: ProgType.XDP, expectedAttachType: AttachType.XDP_DEVMAP, hook: "none" },
  { name: "xdp.frags/cpumap", progType: ProgType.XDP, expectedAttachType: AttachType.XDP_CPUMAP, flags: ProgFlags.XDP_HAS_FRAGS, hook: "none" },
  { name: "xdp/cpumap", progType: ProgType.XDP, expectedAttachType: AttachType.XDP_CPUMAP, hook: "none" },
  { name: "xdp.frags", progType: ProgType.XDP, expectedAttachType: AttachType.XDP, flags: ProgFlags.XDP_HAS_FRAGS, hook: "xdp" },
  { name: "xdp", progType: ProgType.XDP, expectedAttachType: AttachType.XDP, hook: "xdp" },
  { name: "perf_event", progType: ProgType.PERF_EVENT, hook: "perf_event" },
  { name: "lwt_in", progType: ProgType.LWT_IN, hook: "lwt" },
  { name: "lwt_out", progType: ProgType.LWT_OUT, hook: "lwt" },
  { name: "lwt_xmit", progType: ProgType.LWT_XMIT, hook: "lwt" },
  { name: "lwt_seg6local", progType: ProgType.LWT_SEG6LOCAL, hook: "lwt" },
  { name: "sockops", progType: ProgType.SOCK_OPS, expectedAttachType: AttachType.CGROUP_SOCK_OPS, hook: "cgroup" },
  { name: "sk_skb/stream_parser", progType: ProgType.SK_SKB, expectedAttachType: AttachType.SK_SKB_STREAM_PARSER, hook: "sockmap" },
  { name: "sk_skb/stream_verdict", progType: ProgType.SK_SKB, expectedAttachType: AttachType.SK_SKB_STREAM_VERDICT, hook: "sockmap" },
  { name: "sk_skb/verdict", progType: ProgType.SK_SKB, expectedAttachType: AttachType.SK_SKB_VERDICT, hook: "sockmap" },
  { name: "sk_skb", progType: ProgType.SK_SKB, hook: "none" },
  { name: "sk_msg", progType: ProgType.SK_MSG, expectedAttachType: AttachType.SK_MSG_VERDICT, hook: "sockmap" },
  { name: "lirc_mode2", progType: ProgType.LIRC_MODE2, expectedAttachType: AttachType.LIRC_MODE2, hook: "lirc" },
  { name: "flow_dissector", progType: ProgType.FLOW_DISSECTOR, expectedAttachType: AttachType.FLOW_DISSECTOR, hook: "flow_dissector" },
  { name: "cgroup_skb/ingress", progType: ProgType.CGROUP_SKB, expectedAttachType: AttachType.CGROUP_INET_INGRESS, hook: "cgroup" },
  { name: "cgroup_skb/egress", progType: ProgType.CGROUP_SKB, expectedAttachType: AttachType.CGROUP_INET_EGRESS, hook: "cgroup" },
  { name: "cgroup/skb", progType: ProgType.CGROUP_SKB, hook: "cgroup" },
  { name: "cgroup/sock_create", progType: ProgType.CGROUP_SOCK, expectedAttachType: AttachType.CGROUP_INET_SOCK_CREATE, hook: "cgroup" },
  { name: "cgroup/sock_release", progType: ProgType.CGROUP_SOCK, expectedAttachType: AttachType.CGROUP_INET_SOCK_RELEASE, hook: "cgroup" },
  { name: "cgroup/sock", progType: ProgType.CGROUP_SOCK, expectedAttachType: AttachType.CGROUP_INET_SOCK_CREATE, hook: "cgroup" },
  { name: "cgroup/post_bind4", progType: ProgType.CGROUP_SOCK, expectedAttachType: AttachType.CGROUP_INET4_POST_BIND, hook: "cgroup" },
  { name: "cgroup/post_bind6", progType: ProgType.CGROUP_SOCK, expectedAttachType: AttachType.CGROUP_INET6_POST_BIND, hook: "cgroup" },
  { name: "cgroup/dev", progType: ProgType.CGROUP_DEVICE, expectedAttachType: AttachType.CGROUP_DEVICE, hook: "cgroup" },
  { name: "cgroup/bind4", progType: ProgType.CGROUP_SOCK_ADDR, expectedAttachType: AttachType.CGROUP_INET4_BIND, hook: "cgroup" },
  { name: "cgroup/bind6", progType: ProgType.CGROUP_SOCK_ADDR, expectedAttachType: AttachType.CGROUP_INET6_BIND, hook: "cgroup" },
  { name: "cgroup/connect4", progType: ProgType.CGROUP_SOCK_ADDR, expectedAttachType: AttachType.CGROUP_INET4_CONNECT, hook: "cgroup" },
  { name: "cgroup/connect6", progType: ProgType.CGROUP_SOCK_ADDR, expectedAttachType: AttachType.CGROUP_INET6_CONNECT, hook: "cgroup" },
  { name: "cgroup/sendmsg4", progType: ProgType.CGROUP_SOCK_ADDR, expectedAttachType: AttachType.CGROUP_UDP4_SENDMSG, hook: "cgroup" },
  { name: "cgroup/sendmsg6", progType: ProgType.CGROUP_SOCK_ADDR, expectedAttachType: AttachType.CGROUP_UDP6_SENDMSG, hook: "cgroup" },
  { name: "cgroup/recvmsg4", progType: ProgType.CGROUP_SOCK_ADDR, expectedAttachType: AttachType.CGROUP_UDP4_RECVMSG, hook: "cgroup" },
  { name: "cgroup/recvmsg6", progType: ProgType.CGROUP_SOCK_ADDR, expectedAttachType: AttachType.CGROUP_UDP6_RECVMSG, hook: "cgroup" },
  { name: "cgroup/getpeername4", progType: ProgType.CGROUP_SOCK_ADDR, expectedAttachType: AttachType.CGROUP_INET4_GETPEERNAME, hook: "cgroup" },
  { name: "cgroup/getpeername6", progType: ProgType.CGROUP_SOCK_ADDR, expectedAttachType: AttachType.CGROUP_INET6_GETPEERNAME, hook: "cgroup" },
  { name: "cgroup/getsockname4", progType: ProgType.CGROUP_SOCK_ADDR, expectedAttachType: AttachType.CGROUP_INET4_GETSOCKNAME, hook: "cgroup" },
  { name: "cgroup/getsockname6", progType: ProgType.CGROUP_SOCK_ADDR, expectedAttachType: AttachType.CGROUP_INET6_GETSOCKNAME, hook: "cgroup" },
  { name: "cgroup/sysctl", progType: ProgType.CGROUP_SYSCTL, expectedAttachType: AttachType.CGROUP_SYSCTL, hook: "cgroup" },
  { name: "cgroup/getsockopt", progType: ProgType.CGROUP_SOCKOPT, expectedAttachType: AttachType.CGROUP_GETSOCKOPT, hook: "cgroup" },
  { name: "cgroup/setsockopt", progType: ProgType.CGROUP_SOCKOPT, expectedAttachType: AttachType.CGROUP_SETSOCKOPT, hook: "cgroup" },
  { name: "struct_ops+", progType: ProgType.STRUCT_OPS, hook: "struct_ops" },
  { name: "struct_ops.s+", progType: ProgType.STRUCT_OPS, flags: ProgFlags.SLEEPABLE, hook: "struct_ops" },
  { name: "sk_lookup", progType: ProgType.SK_LOOKUP, expectedAttachType: AttachType.SK_LOOKUP, hook: "sk_lookup" },
  { name: "netfilter", progType: ProgType.NETFILTER, expectedAttachType: AttachType.NETFILTER, hook: "none" },
];

export interface ProgramKind extends SectionDef {
  /** What follows the definition's name after "/": "syscalls/sys_enter_write" for "tracepoint/syscalls/sys_enter_write". */
  target: string;
}

function matches(def: SectionDef, section: string): string | undefined {
  if (def.name.endsWith("+")) {
    const base = def.name.slice(0, -1);
    if (section === base) return "";
    if (section.startsWith(`${base}/`)) return section.slice(base.length + 1);
    return undefined;
  }
  return section === def.name ? "" : undefined;
}

/** The program kind for an ELF section name; ObjectError (listing the known names) when unknown. */
export function programKind(section: string): ProgramKind {
  for (const def of defs) {
    const target = matches(def, section);
    if (target !== undefined) return { ...def, target };
  }
  const known = [...new Set(defs.map((d) => d.name.replace(/\+$/, "/…")))].join(", ");
  throw new ObjectError(`unknown program section name; tsbpf knows the libbpf names: ${known}`, { section });
}
