/**
 * BPF_MAP_TYPE_LPM_TRIE (kernel 4.11): longest-prefix-match keys `{ prefixLen, data }`, where
 * data is the address (network byte order, as packets carry it): a Uint8Array or byte array of
 * the key's data size, or for 4/16-byte keys an IPv4 ("10.0.0.0") or IPv6 ("fe80::") string.
 * `get` of a full-length key finds the longest stored prefix that matches it.
 */
import { createRequire } from "node:module";
import * as z from "zod/mini";
import { lazySchema } from "../btf-values/codec.js";
import type { Codec } from "../btf-values/index.js";
import { littleEndian } from "../sys/attr.js";
import { HashMapHandle } from "./hash-map.js";

export interface LpmKey {
  prefixLen: number;
  data: Uint8Array | readonly number[] | string;
}

function ipBytes(text: string, size: number): Uint8Array | undefined {
  // node:net is loaded only when an address is given as text (importing it costs every start ~7 ms).
  const { isIPv4, isIPv6 } = createRequire(import.meta.url)("node:net") as typeof import("node:net");
  if (size === 4 && isIPv4(text)) return new Uint8Array(text.split(".").map(Number));
  if (size === 16 && isIPv6(text)) {
    const [head, tail] = text.split("::") as [string, string | undefined];
    const parts = (s: string | undefined) => (s ? s.split(":").filter(Boolean) : []);
    const h = parts(head);
    const t = parts(tail);
    const groups = tail === undefined ? h : [...h, ...Array(8 - h.length - t.length).fill("0"), ...t];
    const out = new Uint8Array(16);
    groups.forEach((g, i) => {
      const n = Number.parseInt(g, 16);
      out[i * 2] = n >> 8;
      out[i * 2 + 1] = n & 0xff;
    });
    return out;
  }
  return undefined;
}

/** The codec of an LPM key of `keySize` bytes (u32 prefix length, then the data). */
export function lpmKeyCodec(keySize: number): Codec {
  const dataSize = keySize - 4;
  const bytesOf = (d: LpmKey["data"]) => (typeof d === "string" ? ipBytes(d, dataSize) : d instanceof Uint8Array ? d : Uint8Array.from(d));
  return lazySchema({
    size: keySize,
    describe: `LPM key (prefixLen, ${dataSize} data bytes)`,
    write: (view: DataView, offset: number, value: unknown) => {
      const k = value as LpmKey;
      view.setUint32(offset, k.prefixLen, littleEndian);
      new Uint8Array(view.buffer, view.byteOffset + offset + 4, dataSize).set(bytesOf(k.data)!);
    },
    read: (view: DataView, offset: number) => ({
      prefixLen: view.getUint32(offset, littleEndian),
      data: new Uint8Array(view.buffer.slice(view.byteOffset + offset + 4, view.byteOffset + offset + keySize)),
    }),
  }, () => z
    .strictObject({
      prefixLen: z.number().check(z.int(), z.gte(0), z.lte(dataSize * 8, { error: `prefixLen is at most ${dataSize * 8} for ${dataSize} data bytes` })),
      data: z.union([z.instanceof(Uint8Array), z.array(z.number().check(z.int(), z.gte(0), z.lte(255))), z.string()]),
    })
    .check(z.refine((k) => bytesOf(k.data)?.length === dataSize, {
      error: `data must be ${dataSize} bytes${dataSize === 4 ? " or an IPv4 address" : dataSize === 16 ? " or an IPv6 address" : ""}`,
    })));
}

export class LpmTrieHandle<V = unknown> extends HashMapHandle<LpmKey, V> {}
