// Prefixes for rtnetlink routes: bytes in network order against what node:net's BlockList accepts
// as the same address (an independent parser), host routes for bare addresses, clear errors.
import { BlockList } from "node:net";
import { describe, expect, it } from "vitest";
import { AF_INET, AF_INET6, parseAddress, parsePrefix } from "./ip-prefix.js";

/** The address the bytes spell, in node's canonical text. */
function text(bytes: Uint8Array): string {
  if (bytes.length === 4) return [...bytes].join(".");
  const groups = Array.from({ length: 8 }, (_, i) => ((bytes[2 * i]! << 8) | bytes[2 * i + 1]!).toString(16));
  return groups.join(":");
}

describe("parsePrefix", () => {
  it("IPv4: family, bytes and length; a bare address is a /32", () => {
    expect(parsePrefix("10.201.0.2/32")).toEqual({ family: AF_INET, bytes: Uint8Array.from([10, 201, 0, 2]), length: 32 });
    expect(parsePrefix("10.203.0.0/24").length).toBe(24);
    expect(parsePrefix("192.168.1.7").length).toBe(32);
  });

  it("IPv6: every spelling gives the bytes of the address node:net matches", () => {
    for (const address of ["fc00::100", "::1", "fd00::", "2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1", "::ffff:10.0.0.1", "fe80::1:2:3:4:5:6"]) {
      const { family, bytes } = parseAddress(address);
      expect(family).toBe(AF_INET6);
      const list = new BlockList();
      list.addAddress(address, "ipv6");
      expect(list.check(text(bytes), "ipv6"), address).toBe(true);
    }
    expect(parsePrefix("fc00::100/128")).toMatchObject({ family: AF_INET6, length: 128 });
    expect(parsePrefix("fd00::/64").length).toBe(64);
    expect(parsePrefix("fd00::1").length).toBe(128);
  });

  it("refuses what is not an address or a prefix length", () => {
    expect(() => parsePrefix("10.0.0.300/32")).toThrow(/not an IP address/);
    expect(() => parsePrefix("10.0.0.1/33")).toThrow(/prefix length \(0-32\)/);
    expect(() => parsePrefix("fd00::/129")).toThrow(/prefix length \(0-128\)/);
    expect(() => parsePrefix("10.0.0.1/")).toThrow(/prefix length/);
    expect(() => parsePrefix("fe80::1%eth0/64")).toThrow(/not an IP address/);
    expect(() => parsePrefix("eth0")).toThrow(/not an IP address/);
  });
});
