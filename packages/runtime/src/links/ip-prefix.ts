/**
 * IP addresses and prefixes as rtnetlink wants them: "10.0.0.2/32", "2001:db8::/64", or a bare
 * address (a host route, /32 or /128), to the address family, the address's bytes in network
 * order and the prefix length. Bad input is a clear error, never a route to somewhere else.
 */
import { isIPv4, isIPv6 } from "node:net";

export const AF_INET = 2;
export const AF_INET6 = 10;

export interface IpPrefix {
  family: typeof AF_INET | typeof AF_INET6;
  bytes: Uint8Array;
  length: number;
}

function ipv6Bytes(address: string): Uint8Array {
  // "a:b::c": the groups before and after "::", the gap filled with zeros; a trailing dotted quad is two groups.
  let text = address;
  const quad = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (quad) {
    const b = quad[1]!.split(".").map(Number);
    text = `${text.slice(0, quad.index)}${((b[0]! << 8) | b[1]!).toString(16)}:${((b[2]! << 8) | b[3]!).toString(16)}`;
  }
  const [head, tail] = text.includes("::") ? text.split("::") : [text, undefined];
  const groups = (s: string | undefined) => (s ? s.split(":").map((g) => parseInt(g, 16)) : []);
  const before = groups(head);
  const after = groups(tail);
  const all = tail === undefined ? before : [...before, ...new Array<number>(8 - before.length - after.length).fill(0), ...after];
  const out = new Uint8Array(16);
  all.forEach((g, i) => {
    out[2 * i] = g >> 8;
    out[2 * i + 1] = g & 0xff;
  });
  return out;
}

/** Parses an address ("10.0.0.2", "fd00::2"). */
export function parseAddress(text: string): { family: typeof AF_INET | typeof AF_INET6; bytes: Uint8Array } {
  if (isIPv4(text)) return { family: AF_INET, bytes: Uint8Array.from(text.split(".").map(Number)) };
  if (isIPv6(text) && !text.includes("%")) return { family: AF_INET6, bytes: ipv6Bytes(text) };
  throw new TypeError(`not an IP address: ${JSON.stringify(text)}`);
}

/** Parses a prefix ("10.0.0.0/24"; a bare address is a host route). */
export function parsePrefix(text: string): IpPrefix {
  const slash = text.indexOf("/");
  const { family, bytes } = parseAddress(slash < 0 ? text : text.slice(0, slash));
  const max = family === AF_INET ? 32 : 128;
  const lengthText = slash < 0 ? String(max) : text.slice(slash + 1);
  const length = /^\d{1,3}$/.test(lengthText) ? Number(lengthText) : NaN;
  if (!(length >= 0 && length <= max)) throw new TypeError(`not a prefix length (0-${max}): ${JSON.stringify(text)}`);
  return { family, bytes, length };
}
