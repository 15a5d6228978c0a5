import { describe, expect, it } from "vitest";
import { AddressError, parseListenAddress } from "./address.js";

describe("parseListenAddress", () => {
  it.each([
    ["9435", { host: "127.0.0.1", port: 9435 }],
    [":9435", { host: "127.0.0.1", port: 9435 }],
    ["0.0.0.0:9435", { host: "0.0.0.0", port: 9435 }],
    ["localhost:0", { host: "localhost", port: 0 }],
    ["[::1]:9435", { host: "::1", port: 9435 }],
  ])("%s", (text, expected) => expect(parseListenAddress(text)).toEqual(expected));

  it.each(["", "host", "host:", "host:port", "::1:9435", "[::1]", "1.2.3.4:65536", "1.2.3.4:-1"])("refuses %j", (text) => {
    expect(() => parseListenAddress(text)).toThrow(AddressError);
  });
});
