/**
 * The hook table's rows for the network, cgroup, user-space tracing, multi-kprobe, perf event, iterator and
 * BTF-typed hooks (the decorators of packages/tsbpf/src/dsl/hooks-net.ts and hooks-trace.ts).
 * Section names are libbpf's; the runtime derives program and attach types from them.
 */
import { ts } from "ts-morph";
import type { HookDef } from "./hooks.js";

/** The arguments as string literals, when there are between `min` and `max` of them. */
function literals(args: readonly ts.Expression[], min: number, max: number): string[] | undefined {
  if (args.length < min || args.length > max) return undefined;
  const out: string[] = [];
  for (const a of args) {
    if (!ts.isStringLiteralLike(a)) return undefined;
    out.push(a.text);
  }
  return out;
}

/** One argument from `allowed`. */
function oneOf(args: readonly ts.Expression[], allowed: readonly string[]): string | undefined {
  const s = literals(args, 1, 1);
  return s && allowed.includes(s[0]!) ? s[0] : undefined;
}

const IDENT = /^[A-Za-z0-9_.]+$/;
/** A binary (path or library name) in a section name: no colons or spaces. */
const BINARY = /^[^:\s]+$/;
/** A kernel function name or a glob over them ("do_unlink*", "vfs_rea?"). */
const GLOB = /^[A-Za-z0-9_.*?]+$/;
const SYMBOL = /^[A-Za-z0-9_.@$]+(\+(0x[0-9a-fA-F]+|[0-9]+))?$/;

const DIRECTIONS = ["ingress", "egress"] as const;
const SOCK_ADDR_HOOKS = [
  "bind4", "bind6", "connect4", "connect6", "connect_unix", "getpeername4", "getpeername6", "getpeername_unix",
  "getsockname4", "getsockname6", "getsockname_unix", "sendmsg4", "sendmsg6", "sendmsg_unix", "recvmsg4", "recvmsg6", "recvmsg_unix",
] as const;

const bare = (section: string) => (args: readonly ts.Expression[]) => (args.length === 0 ? section : undefined);

const PACKET = "the packet is read through packetAt(ctx, offset)";
const REGS = "registers are read-only";

export const dslHooks: readonly HookDef[] = [
  {
    decorator: "xdp", example: "@xdp", section: bare("xdp"),
    context: { readonly: `an XDP context is read-only; ${PACKET}`, hint: "use XdpContext" },
  },
  {
    decorator: "tc", example: '@tc("ingress")',
    section: (args) => (args.length === 0 ? "tc" : (() => { const d = oneOf(args, DIRECTIONS); return d && `tc/${d}`; })()),
    context: { hint: "use SkBuff" },
  },
  {
    decorator: "tcx", example: '@tcx("ingress")',
    section: (args) => { const d = oneOf(args, DIRECTIONS); return d && `tcx/${d}`; },
    context: { hint: "use SkBuff" },
  },
  {
    decorator: "lwt", example: '@lwt("xmit")',
    section: (args) => { const h = oneOf(args, ["in", "out", "xmit", "seg6local"]); return h && `lwt_${h}`; },
    context: { hint: "use SkBuff" },
  },
  { decorator: "lircMode2", example: "@lircMode2", section: bare("lirc_mode2"), context: { readonly: "a LIRC sample is read-only", hint: "use LircMode2Context" } },
  { decorator: "tcAction", example: "@tcAction", section: bare("action"), context: { hint: "use SkBuff" } },
  { decorator: "socketFilter", example: "@socketFilter", section: bare("socket"), context: { hint: "use SkBuff" } },
  {
    decorator: "cgroupSkb", example: '@cgroupSkb("egress")',
    section: (args) => { const d = oneOf(args, DIRECTIONS); return d && `cgroup_skb/${d}`; },
    context: { hint: "use SkBuff" },
  },
  {
    decorator: "cgroupSock", example: '@cgroupSock("sock_create")',
    section: (args) => { const h = oneOf(args, ["sock_create", "sock_release", "post_bind4", "post_bind6"]); return h && `cgroup/${h}`; },
    context: { hint: "use BpfSock" },
  },
  {
    decorator: "cgroupSockAddr", example: '@cgroupSockAddr("connect4")',
    section: (args) => { const h = oneOf(args, SOCK_ADDR_HOOKS); return h && `cgroup/${h}`; },
    context: { hint: "use BpfSockAddr" },
  },
  {
    decorator: "cgroupSockopt", example: '@cgroupSockopt("getsockopt")',
    section: (args) => { const h = oneOf(args, ["getsockopt", "setsockopt"]); return h && `cgroup/${h}`; },
    context: { hint: "use BpfSockopt" },
  },
  { decorator: "cgroupSysctl", example: "@cgroupSysctl", section: bare("cgroup/sysctl"), context: { hint: "use BpfSysctl" } },
  { decorator: "cgroupDevice", example: "@cgroupDevice", section: bare("cgroup/dev"), context: { hint: "use BpfCgroupDevCtx" } },
  { decorator: "flowDissector", example: "@flowDissector", section: bare("flow_dissector"), context: { hint: "use SkBuff" } },
  // Socket maps' programs (hooks-sockets.ts): sock_ops per cgroup, sk_skb and sk_msg per map.
  { decorator: "sockOps", example: "@sockOps", section: bare("sockops"), context: { hint: "use BpfSockOps" } },
  {
    decorator: "skSkb", example: '@skSkb("stream_verdict")',
    section: (args) => { const k = oneOf(args, ["stream_verdict", "stream_parser", "verdict"]); return k && `sk_skb/${k}`; },
    context: { hint: "use SkBuff" },
  },
  { decorator: "skMsg", example: "@skMsg", section: bare("sk_msg"), context: { hint: "use SkMsgMd" } },
  {
    decorator: "skReuseport", example: "@skReuseport()",
    section: (args) => (args.length === 0 ? "sk_reuseport" : oneOf(args, ["migrate"]) && "sk_reuseport/migrate"),
    context: { readonly: "an sk_reuseport context is read-only (choose the socket with a ReuseportSockArray's select)", hint: "use SkReuseportMd" },
  },
  { decorator: "skLookup", example: "@skLookup", section: bare("sk_lookup"), context: { readonly: "an sk_lookup context is read-only (choose the socket with bpf.skAssign)", hint: "use BpfSkLookup" } },
  ...(["uprobe", "uretprobe"] as const).map((kind): HookDef => ({
    decorator: kind, example: `@${kind}("/bin/bash", "readline")`,
    section: (args) => {
      if (args.length === 0) return kind;
      const s = literals(args, 2, 2);
      return s && BINARY.test(s[0]!) && SYMBOL.test(s[1]!) ? `${kind}/${s[0]}:${s[1]}` : undefined;
    },
    context: { readonly: REGS, hint: "use PtRegs" },
  })),
  // One program on many kernel functions (BPF_TRACE_KPROBE_MULTI, 5.18): a glob of `*` and `?`
  // over function names, as libbpf's SEC("kprobe.multi/do_unlink*"); pt_regs, since the
  // functions' arguments differ.
  ...(["kprobe", "kretprobe"] as const).map((kind): HookDef => ({
    decorator: `${kind}Multi`, example: `@${kind}Multi("do_unlink*")`,
    section: (args) => { const s = literals(args, 1, 1); return s && GLOB.test(s[0]!) ? `${kind}.multi/${s[0]}` : undefined; },
    context: { readonly: REGS, hint: "use PtRegs" },
  })),
  {
    decorator: "usdt", example: '@usdt("/usr/bin/python3", "python", "function__entry")',
    section: (args) => {
      if (args.length === 0) return "usdt";
      const s = literals(args, 3, 3);
      return s && BINARY.test(s[0]!) && IDENT.test(s[1]!) && IDENT.test(s[2]!) ? `usdt/${s[0]}:${s[1]}:${s[2]}` : undefined;
    },
    context: { readonly: REGS, hint: "use PtRegs" },
  },
  { decorator: "perfEvent", example: "@perfEvent", section: bare("perf_event"), context: { readonly: "a perf event's context is read-only", hint: "use PerfEventContext" } },
  {
    decorator: "iter", example: '@iter("task")',
    section: (args) => { const s = literals(args, 1, 1); return s && IDENT.test(s[0]!) ? `iter/${s[0]}` : undefined; },
    context: { readonly: "an iterator's context is read-only", hint: "use IterTaskContext, IterMapElemContext or the target's context struct" },
  },
  {
    decorator: "structOps", example: '@structOps("cc", "ssthresh")',
    section: (args) => { const s = literals(args, 2, 2); return s && IDENT.test(s[0]!) && IDENT.test(s[1]!) ? `struct_ops/${s[1]}` : undefined; },
    context: { readonly: "the member's arguments are read-only", hint: "use TracingArgs" },
  },
  {
    decorator: "lsm", example: '@lsm("file_open")',
    section: (args) => { const s = literals(args, 1, 1); return s && IDENT.test(s[0]!) ? `lsm/${s[0]}` : undefined; },
    context: { readonly: "the hook's arguments are read-only", hint: "use TracingArgs" },
  },
  {
    decorator: "freplace", example: '@freplace("verdict")',
    section: (args) => { const s = literals(args, 1, 1); return s && IDENT.test(s[0]!) ? `freplace/${s[0]}` : undefined; },
    context: { hint: "declare what the replaced function takes: the target program's context, e.g. (ctx: XdpContext)" },
  },
  {
    decorator: "fmodRet", example: '@fmodRet("security_file_open")',
    section: (args) => { const s = literals(args, 1, 1); return s && IDENT.test(s[0]!) ? `fmod_ret/${s[0]}` : undefined; },
    context: { readonly: "the function's arguments are read-only", hint: "use TracingArgs" },
  },
];

/** The kernel's names of the DSL's context structs of these hooks, used in BTF as clang would name them. */
export const contextStructNames: Record<string, string> = {
  XdpContext: "xdp_md",
  SkBuff: "__sk_buff",
  BpfSock: "bpf_sock",
  BpfSockAddr: "bpf_sock_addr",
  BpfSockopt: "bpf_sockopt",
  BpfSysctl: "bpf_sysctl",
  BpfCgroupDevCtx: "bpf_cgroup_dev_ctx",
  BpfSockOps: "bpf_sock_ops",
  SkMsgMd: "sk_msg_md",
  BpfSkLookup: "bpf_sk_lookup",
  SkReuseportMd: "sk_reuseport_md",
  // Not a context: a map value's lock (dsl/spin-lock.ts), which the kernel finds by this BTF name.
  SpinLock: "bpf_spin_lock",
  Timer: "bpf_timer",
  PtRegs: "pt_regs",
  PerfEventContext: "bpf_perf_event_data",
  IterTaskContext: "bpf_iter__task",
  IterMapElemContext: "bpf_iter__bpf_map_elem",
  EthHeader: "ethhdr",
  Ipv4Header: "iphdr",
  UdpHeader: "udphdr",
  TcpHeader: "tcphdr",
};
