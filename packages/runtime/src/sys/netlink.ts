/**
 * rtnetlink requests (NETLINK_ROUTE), for what has no bpf() command: classic tc's clsact qdisc
 * and bpf filters. Messages are built here from nlmsghdr + a family header + rtattrs; every
 * request asks for an ACK and the answer's error becomes a BpfError.
 */
import { BpfError } from "../errors.js";
import { littleEndian } from "./attr.js";
import type { Fd } from "./fd.js";
import { AF_NETLINK, bindSocket, openSocket, receive, sendTo, SOCK_RAW } from "./socket.js";

const NETLINK_ROUTE = 0;
export const NLM_F_REQUEST = 0x1;
export const NLM_F_ACK = 0x4;
export const NLM_F_EXCL = 0x200;
export const NLM_F_CREATE = 0x400;
const NLMSG_ERROR = 2;

/** An rtattr: type and payload (nested attributes are Attr[] payloads). */
export interface RtAttr {
  type: number;
  value: Uint8Array | string | number | RtAttr[];
}

const align4 = (n: number) => (n + 3) & ~3;

function encodeAttr(a: RtAttr): Uint8Array {
  let payload: Uint8Array;
  if (typeof a.value === "string") payload = new TextEncoder().encode(`${a.value}\0`);
  else if (typeof a.value === "number") {
    payload = new Uint8Array(4);
    new DataView(payload.buffer).setUint32(0, a.value >>> 0, littleEndian);
  } else if (Array.isArray(a.value)) payload = concat(a.value.map(encodeAttr));
  else payload = a.value;
  const out = new Uint8Array(align4(4 + payload.length));
  const v = new DataView(out.buffer);
  v.setUint16(0, 4 + payload.length, littleEndian);
  v.setUint16(2, a.type, littleEndian);
  out.set(payload, 4);
  return out;
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** A NETLINK_ROUTE socket bound to the current network namespace. */
export class RouteNetlink {
  readonly fd: Fd;
  #seq = 1;

  constructor() {
    this.fd = openSocket(AF_NETLINK, SOCK_RAW, NETLINK_ROUTE, "rtnetlink socket");
    try {
      const sockaddr = new Uint8Array(12);
      new DataView(sockaddr.buffer).setUint16(0, AF_NETLINK, littleEndian);
      bindSocket(this.fd, sockaddr);
    } catch (error) {
      this.fd.close();
      throw error;
    }
  }

  /** Sends one request and waits for its ACK; returns 0 or the -errno the kernel answered. */
  requestRaw(type: number, flags: number, header: Uint8Array, attrs: RtAttr[]): number {
    const body = concat([header, ...attrs.map(encodeAttr)]);
    const msg = new Uint8Array(16 + align4(body.length));
    const v = new DataView(msg.buffer);
    const seq = this.#seq++;
    v.setUint32(0, msg.length, littleEndian);
    v.setUint16(4, type, littleEndian);
    v.setUint16(6, flags | NLM_F_REQUEST | NLM_F_ACK, littleEndian);
    v.setUint32(8, seq, littleEndian);
    msg.set(body, 16);
    sendTo(this.fd, msg, new Uint8Array([AF_NETLINK & 0xff, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]));
    const reply = new Uint8Array(64 * 1024);
    for (;;) {
      const n = receive(this.fd, reply);
      if (n < 0) throw BpfError.fromErrno("recv (rtnetlink)", -n);
      const rv = new DataView(reply.buffer, 0, n);
      for (let at = 0; at + 16 <= n; ) {
        const len = rv.getUint32(at, littleEndian);
        if (rv.getUint16(at + 4, littleEndian) === NLMSG_ERROR && rv.getUint32(at + 8, littleEndian) === seq) return rv.getInt32(at + 16, littleEndian);
        if (len < 16) break;
        at += align4(len);
      }
    }
  }

  request(type: number, flags: number, header: Uint8Array, attrs: RtAttr[], what: string): void {
    const r = this.requestRaw(type, flags, header, attrs);
    if (r < 0) throw BpfError.fromErrno("rtnetlink", -r, what);
  }

  close(): void {
    this.fd.close();
  }
}
