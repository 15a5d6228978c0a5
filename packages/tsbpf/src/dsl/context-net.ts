/**
 * Context types of the network and cgroup hooks, laid out as the kernel's UAPI structs (the
 * verifier rewrites every access to them into the real kernel object's fields). Members that hold
 * kernel pointers are `u64` here; `data`/`data_end` are read through `packetAt`, never directly.
 */
import type { u8, u16, u32, u64 } from "./integers.js";
import type { FixedArray } from "./memory.js";

/** `struct xdp_md`: an XDP program's context. */
export interface XdpContext {
  /** Start of the packet (read through `packetAt(ctx, offset)`). */
  data: u32;
  /** End of the packet. */
  data_end: u32;
  data_meta: u32;
  ingress_ifindex: u32;
  rx_queue_index: u32;
  egress_ifindex: u32;
}

/**
 * `struct __sk_buff`: the context of tc/tcx, socket filter, cgroup_skb and flow dissector
 * programs. Which members a program may read or write depends on its hook (the verifier says).
 */
export interface SkBuff {
  len: u32;
  pkt_type: u32;
  mark: u32;
  queue_mapping: u32;
  /** The link-layer protocol, in network byte order. */
  protocol: u32;
  vlan_present: u32;
  vlan_tci: u32;
  vlan_proto: u32;
  priority: u32;
  ingress_ifindex: u32;
  ifindex: u32;
  tc_index: u32;
  cb: FixedArray<u32, 5>;
  hash: u32;
  tc_classid: u32;
  /** Start of the packet (read through `packetAt(ctx, offset)`; tc, cgroup_skb, flow dissector). */
  data: u32;
  data_end: u32;
  napi_id: u32;
  family: u32;
  remote_ip4: u32;
  local_ip4: u32;
  remote_ip6: FixedArray<u32, 4>;
  local_ip6: FixedArray<u32, 4>;
  remote_port: u32;
  local_port: u32;
  data_meta: u32;
}

/** `struct bpf_sock`: the context of `cgroup/sock_create` and the other cgroup socket hooks. */
export interface BpfSock {
  bound_dev_if: u32;
  family: u32;
  type: u32;
  protocol: u32;
  mark: u32;
  priority: u32;
  src_ip4: u32;
  src_ip6: FixedArray<u32, 4>;
  src_port: u32;
  dst_port: u32;
  dst_ip4: u32;
  dst_ip6: FixedArray<u32, 4>;
  state: u32;
  rx_queue_mapping: u32;
}

/** `struct bpf_sock_addr`: the context of the connect/bind/sendmsg/recvmsg cgroup hooks. */
export interface BpfSockAddr {
  user_family: u32;
  /** The address being connected/bound to, network byte order (writable: rewrites it). */
  user_ip4: u32;
  user_ip6: FixedArray<u32, 4>;
  /** The port, network byte order in the low 16 bits (writable). */
  user_port: u32;
  family: u32;
  type: u32;
  protocol: u32;
  msg_src_ip4: u32;
  msg_src_ip6: FixedArray<u32, 4>;
}

/** `struct bpf_sockopt`: the context of `cgroup/getsockopt` and `cgroup/setsockopt`. */
export interface BpfSockopt {
  sk: u64;
  optval: u64;
  optval_end: u64;
  level: u32;
  optname: u32;
  optlen: u32;
  retval: u32;
}

/** `struct bpf_sysctl`: the context of `cgroup/sysctl`. */
export interface BpfSysctl {
  /** 1 for a write, 0 for a read. */
  write: u32;
  file_pos: u32;
}

/** `struct bpf_cgroup_dev_ctx`: the context of `cgroup/dev`. */
export interface BpfCgroupDevCtx {
  /** `BPF_DEVCG_ACC_*` in the high 16 bits, `BPF_DEVCG_DEV_*` (block/char) in the low. */
  access_type: u32;
  major: u32;
  minor: u32;
}

/** Program results of XDP programs (`enum xdp_action`). */
export const XDP_ABORTED = 0;
export const XDP_DROP = 1;
export const XDP_PASS = 2;
export const XDP_TX = 3;
export const XDP_REDIRECT = 4;

/** Program results of classic tc programs (`TC_ACT_*`). */
export const TC_ACT_UNSPEC = -1;
export const TC_ACT_OK = 0;
export const TC_ACT_SHOT = 2;
export const TC_ACT_PIPE = 3;
export const TC_ACT_REDIRECT = 7;

/** Program results of tcx programs (`TCX_*`). */
export const TCX_NEXT = -1;
export const TCX_PASS = 0;
export const TCX_DROP = 2;
export const TCX_REDIRECT = 7;

/** Program results of lightweight tunnel and flow dissector programs (`enum bpf_ret_code`). */
export const BPF_OK = 0;
export const BPF_DROP = 2;
export const BPF_REDIRECT = 7;
/** lwt_in/lwt_xmit: route the packet again (its headers were changed). Kernel 5.3. */
export const BPF_LWT_REROUTE = 128;

/** The context of a `@lircMode2` program: one sample the LIRC device received (read-only). */
export interface LircMode2Context {
  /** The kind (`LIRC_MODE2_*`, high byte) and the duration in microseconds (low 24 bits). */
  sample: u32;
}

/** Kinds of LIRC mode2 samples (`sample & LIRC_MODE2_MASK`), and the value's mask. */
export const LIRC_MODE2_SPACE = 0x00000000;
export const LIRC_MODE2_PULSE = 0x01000000;
export const LIRC_MODE2_FREQUENCY = 0x02000000;
export const LIRC_MODE2_TIMEOUT = 0x03000000;
export const LIRC_MODE2_MASK = 0xff000000;
export const LIRC_VALUE_MASK = 0x00ffffff;

/** Results of socket-level programs: sk_skb, sk_msg, cgroup_skb (1 allows, 0 denies). */
export const SK_DROP = 0;
export const SK_PASS = 1;


/** `struct ethhdr`: an Ethernet header (read with `packetAt<EthHeader>(ctx, 0)`). Multi-byte members are big-endian. */
export interface EthHeader {
  h_dest: FixedArray<u8, 6>;
  h_source: FixedArray<u8, 6>;
  /** The EtherType (`ETH_P_IP` = 0x0800), network byte order: compare with `htons(ETH_P_IP)`. */
  h_proto: u16;
}

/** EtherTypes. */
export const ETH_P_IP = 0x0800;
export const ETH_P_IPV6 = 0x86dd;
export const ETH_P_ARP = 0x0806;
/** The length of an Ethernet header. */
export const ETH_HLEN = 14;

/** IP protocol numbers. */
export const IPPROTO_ICMP = 1;
export const IPPROTO_TCP = 6;
export const IPPROTO_UDP = 17;

/** `struct iphdr`: an IPv4 header without options. Multi-byte members are big-endian. */
export interface Ipv4Header {
  /** Version in the high nibble, header length in 32-bit words (`ihl`) in the low one. */
  version_ihl: u8;
  tos: u8;
  tot_len: u16;
  id: u16;
  frag_off: u16;
  ttl: u8;
  protocol: u8;
  check: u16;
  saddr: u32;
  daddr: u32;
}

/** `struct udphdr`. */
export interface UdpHeader {
  source: u16;
  dest: u16;
  len: u16;
  check: u16;
}

/** The start of `struct tcphdr`: ports, sequence numbers, offset and flags. */
export interface TcpHeader {
  source: u16;
  dest: u16;
  seq: u32;
  ack_seq: u32;
  /** Data offset in the high nibble of the first byte, then the flags (FIN 0x01 ... in the second byte). */
  doff_flags: u16;
  window: u16;
  check: u16;
  urg_ptr: u16;
}
