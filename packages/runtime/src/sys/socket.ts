/**
 * Sockets through the door: what the runtime needs them for is attaching programs (socket
 * filters, netlink for classic tc) and tests that send packets. Descriptors are owned `Fd`s.
 */
import { BpfError } from "../errors.js";
import { littleEndian } from "./attr.js";
import { door } from "./door.js";
import { Fd } from "./fd.js";

export const AF_INET = 2;
export const AF_NETLINK = 16;
export const SOCK_STREAM = 1;
export const SOCK_DGRAM = 2;
export const SOCK_RAW = 3;
export const SOCK_NONBLOCK = 0o4000;
export const SOL_SOCKET = 1;
export const SO_ATTACH_BPF = 50;
export const SO_DETACH_BPF = 27;
export const SO_REUSEPORT = 15;
export const SO_ATTACH_REUSEPORT_EBPF = 52;
export const SO_DETACH_REUSEPORT_BPF = 68;
export const MSG_DONTWAIT = 0x40;

/** socket(2) as an owned descriptor (close-on-exec). */
export function openSocket(domain: number, type: number, protocol: number, label: string): Fd {
  const r = door().socket(domain, type, protocol);
  if (r < 0) throw BpfError.fromErrno("socket", -r, label);
  return new Fd(r, label);
}

export function bindSocket(fd: Fd | number, sockaddr: Uint8Array): void {
  const r = door().bind(typeof fd === "number" ? fd : fd.raw, sockaddr);
  if (r < 0) throw BpfError.fromErrno("bind", -r, typeof fd === "number" ? `fd ${fd}` : fd.label);
}

/** setsockopt(2) with an int value. */
export function setSocketInt(fd: number, level: number, name: number, value: number, what: string): void {
  const bytes = new Uint8Array(4);
  new DataView(bytes.buffer).setInt32(0, value, littleEndian);
  const r = door().setsockopt(fd, level, name, bytes);
  if (r < 0) throw BpfError.fromErrno("setsockopt", -r, what);
}

/** sendto(2); returns bytes sent. */
export function sendTo(fd: Fd, data: Uint8Array, sockaddr?: Uint8Array, flags = 0): number {
  const r = door().sendto(fd.raw, data, flags, sockaddr);
  if (r < 0) throw BpfError.fromErrno("sendto", -r, fd.label);
  return r;
}

/** recv(2): bytes received, or -errno (-EAGAIN when a non-blocking socket has nothing). */
export function receive(fd: Fd, into: Uint8Array, flags = 0): number {
  return door().recv(fd.raw, into, flags);
}

/** `struct sockaddr_in` for an IPv4 address "a.b.c.d" and port. */
export function sockaddrIn(address: string, port: number): Uint8Array {
  const out = new Uint8Array(16);
  const v = new DataView(out.buffer);
  v.setUint16(0, AF_INET, littleEndian);
  v.setUint16(2, port, false);
  address.split(".").forEach((octet, i) => (out[4 + i] = Number(octet)));
  return out;
}
