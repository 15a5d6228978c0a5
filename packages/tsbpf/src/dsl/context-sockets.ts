/**
 * Context types and constants of the socket-map program types: sock_ops (`struct bpf_sock_ops`),
 * sk_msg (`struct sk_msg_md`); sk_skb programs take `SkBuff`. Laid out as the kernel's UAPI
 * structs, whose accesses the verifier rewrites; pointer members are `u64` here.
 */
import type { u16, u32, u64 } from "./integers.js";
import type { FixedArray } from "./memory.js";

/**
 * `struct bpf_sock_ops`: the context of a `@sockOps` program, called at the events of a TCP
 * connection (`op`, one of `BPF_SOCK_OPS_*`). `args` holds the event's arguments; `args[0]` is also
 * the kernel's `reply` (what the program answers for the `*_INIT` ops). Most members are readable
 * only when `is_fullsock` is 1. Kernel 4.13.
 */
export interface BpfSockOps {
  op: u32;
  /** The op's arguments (`args[0]`: the reply, written for the `*_INIT` ops). */
  args: FixedArray<u32, 4>;
  family: u32;
  remote_ip4: u32;
  local_ip4: u32;
  remote_ip6: FixedArray<u32, 4>;
  local_ip6: FixedArray<u32, 4>;
  /** Network byte order. */
  remote_port: u32;
  /** Host byte order. */
  local_port: u32;
  is_fullsock: u32;
  snd_cwnd: u32;
  srtt_us: u32;
  /** The callbacks asked for (`BPF_SOCK_OPS_*_CB_FLAG`), set with `bpf.sockOpsCbFlagsSet(ctx, flags)`. */
  bpf_sock_ops_cb_flags: u32;
  /** The TCP state (`BPF_TCP_*`). */
  state: u32;
  rtt_min: u32;
  snd_ssthresh: u32;
  rcv_nxt: u32;
  snd_nxt: u32;
  snd_una: u32;
  mss_cache: u32;
  ecn_flags: u32;
  rate_delivered: u32;
  rate_interval_us: u32;
  packets_out: u32;
  retrans_out: u32;
  total_retrans: u32;
  segs_in: u32;
  data_segs_in: u32;
  segs_out: u32;
  data_segs_out: u32;
  lost_out: u32;
  sacked_out: u32;
  sk_txhash: u32;
  bytes_received: u64;
  bytes_acked: u64;
  sk: u64;
  skb_data: u64;
  skb_data_end: u64;
  skb_len: u32;
  skb_tcp_flags: u32;
  skb_hwtstamp: u64;
}

/**
 * `struct bpf_sk_lookup`: the context of an `@skLookup` program, run when the kernel looks for the
 * socket an incoming TCP connection or UDP datagram belongs to. Read-only but for the socket
 * `bpf.skAssign(ctx, sk, 0n)` chooses. Kernel 5.9.
 */
export interface BpfSkLookup {
  sk: u64;
  family: u32;
  /** `IPPROTO_TCP` (6) or `IPPROTO_UDP` (17). */
  protocol: u32;
  remote_ip4: u32;
  remote_ip6: FixedArray<u32, 4>;
  /** Network byte order. */
  remote_port: u16;
  /** Padding (not readable). */
  remote_port_pad: u16;
  local_ip4: u32;
  local_ip6: FixedArray<u32, 4>;
  /** The destination port, host byte order. */
  local_port: u32;
  ingress_ifindex: u32;
}

/**
 * `struct sk_reuseport_md`: the context of an `@skReuseport` program, run when a packet (UDP) or
 * connection (TCP) arrives for a group of sockets bound to one address with SO_REUSEPORT.
 * Read-only. Laid out as the kernel's UAPI struct (vmlinux BTF `sk_reuseport_md`). Kernel 4.19
 * (`sk`, `migrating_sk` 5.14).
 */
export interface SkReuseportMd {
  /** The packet from its transport header (UDP: the UDP header; TCP: the TCP header). */
  data: u64;
  data_end: u64;
  /** The packet's length from the network header. */
  len: u32;
  /** `ETH_P_IP` or `ETH_P_IPV6`, network byte order. */
  eth_protocol: u32;
  /** `IPPROTO_TCP` (6) or `IPPROTO_UDP` (17). */
  ip_protocol: u32;
  /** 1 when the group is bound to the wildcard address. */
  bind_inany: u32;
  /** The flow hash the kernel would choose with. */
  hash: u32;
  sk: u64;
  migrating_sk: u64;
}

/**
 * A socket a program holds a reference to (`SockMap.lookup`): pass it to `bpf.skAssign` and
 * release it with `bpf.skRelease` on every path, as the verifier demands.
 */
export interface SocketRef {
  readonly __socket: never;
}

/** `struct sk_msg_md`: the context of an `@skMsg` program, one `sendmsg`/`sendfile` on a socket of the map. Kernel 4.17. */
export interface SkMsgMd {
  data: u64;
  data_end: u64;
  family: u32;
  remote_ip4: u32;
  local_ip4: u32;
  remote_ip6: FixedArray<u32, 4>;
  local_ip6: FixedArray<u32, 4>;
  /** Network byte order. */
  remote_port: u32;
  /** Host byte order. */
  local_port: u32;
  /** The message's length in bytes. */
  size: u32;
  sk: u64;
}

// sk_skb and sk_msg verdict programs return SK_PASS (through, or on to the socket a map's
// `redirect` chose) or SK_DROP: context-net.ts exports them.

/** `BPF_F_INGRESS`: a redirect queues the data for reading on the target socket rather than sending it out of it. */
export const BPF_F_INGRESS = 1n;

/** `enum` of `BpfSockOps.op` (include/uapi/linux/bpf.h). */
export const BPF_SOCK_OPS_VOID = 0;
export const BPF_SOCK_OPS_TIMEOUT_INIT = 1;
export const BPF_SOCK_OPS_RWND_INIT = 2;
/** A connect is starting (active side), before the SYN. */
export const BPF_SOCK_OPS_TCP_CONNECT_CB = 3;
/** The active side's connection is established. */
export const BPF_SOCK_OPS_ACTIVE_ESTABLISHED_CB = 4;
/** The passive side's connection is established. */
export const BPF_SOCK_OPS_PASSIVE_ESTABLISHED_CB = 5;
export const BPF_SOCK_OPS_NEEDS_ECN = 6;
export const BPF_SOCK_OPS_BASE_RTT = 7;
export const BPF_SOCK_OPS_RTO_CB = 8;
export const BPF_SOCK_OPS_RETRANS_CB = 9;
/** The TCP state changed (with `BPF_SOCK_OPS_STATE_CB_FLAG`): `args[0]` the old state, `args[1]` the new. */
export const BPF_SOCK_OPS_STATE_CB = 10;
export const BPF_SOCK_OPS_TCP_LISTEN_CB = 11;
export const BPF_SOCK_OPS_RTT_CB = 12;

/** Callbacks a sock_ops program asks for with `bpf.sockOpsCbFlagsSet(ctx, flags)`. */
export const BPF_SOCK_OPS_RTO_CB_FLAG = 1;
export const BPF_SOCK_OPS_RETRANS_CB_FLAG = 2;
export const BPF_SOCK_OPS_STATE_CB_FLAG = 4;
export const BPF_SOCK_OPS_RTT_CB_FLAG = 8;

/** TCP states (`BPF_TCP_*`, the kernel's `TCP_*`). */
export const BPF_TCP_ESTABLISHED = 1;
export const BPF_TCP_SYN_SENT = 2;
export const BPF_TCP_SYN_RECV = 3;
export const BPF_TCP_FIN_WAIT1 = 4;
export const BPF_TCP_FIN_WAIT2 = 5;
export const BPF_TCP_TIME_WAIT = 6;
export const BPF_TCP_CLOSE = 7;
export const BPF_TCP_CLOSE_WAIT = 8;
export const BPF_TCP_LAST_ACK = 9;
export const BPF_TCP_LISTEN = 10;
export const BPF_TCP_CLOSING = 11;
export const BPF_TCP_NEW_SYN_RECV = 12;
