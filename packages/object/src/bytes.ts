/**
 * Little-endian byte building and bounds-checked reading, shared by the BTF and ELF codecs.
 * BPF objects are little-endian on every target tsbpf supports (x86_64, arm64).
 */
import { ObjectFormatError } from "./errors.js";

/** An append-only little-endian buffer that grows as needed. */
export class ByteWriter {
  private buf = new Uint8Array(256);
  private view = new DataView(this.buf.buffer);
  private len = 0;

  get length(): number {
    return this.len;
  }

  /** Claims `n` bytes at the end and returns their offset; may replace `buf` and `view`. */
  private reserve(n: number): number {
    const at = this.len;
    const need = at + n;
    if (need > this.buf.length) {
      let size = this.buf.length * 2;
      while (size < need) size *= 2;
      const next = new Uint8Array(size);
      next.set(this.buf.subarray(0, at));
      this.buf = next;
      this.view = new DataView(next.buffer);
    }
    this.len = need;
    return at;
  }

  u8(value: number): this {
    const at = this.reserve(1);
    this.view.setUint8(at, value);
    return this;
  }

  u16(value: number): this {
    const at = this.reserve(2);
    this.view.setUint16(at, value, true);
    return this;
  }

  u32(value: number): this {
    const at = this.reserve(4);
    this.view.setUint32(at, value >>> 0, true);
    return this;
  }

  i32(value: number): this {
    const at = this.reserve(4);
    this.view.setInt32(at, value, true);
    return this;
  }

  u64(value: number | bigint): this {
    const at = this.reserve(8);
    this.view.setBigUint64(at, BigInt(value), true);
    return this;
  }

  bytes(data: Uint8Array): this {
    const at = this.reserve(data.length); // may replace this.buf
    this.buf.set(data, at);
    return this;
  }

  /** Appends `text` as UTF-8 followed by a NUL byte (string tables). */
  cstring(text: string): this {
    // ASCII (nearly every identifier) is copied directly; TextEncoder per string is slow in bulk.
    const n = text.length;
    const at = this.reserve(n + 1);
    for (let i = 0; i < n; i++) {
      const c = text.charCodeAt(i);
      if (c >= 0x80) {
        this.len = at;
        return this.bytes(encodeUtf8(text)).u8(0);
      }
      this.buf[at + i] = c;
    }
    this.buf[at + n] = 0;
    return this;
  }

  /** Appends zero bytes until the length is a multiple of `alignment`. */
  align(alignment: number): this {
    const pad = (alignment - (this.len % alignment)) % alignment;
    this.reserve(pad); // fresh buffer space is already zero
    return this;
  }

  /** Overwrites a u32 already written (for sizes known only later). */
  patchU32(at: number, value: number): void {
    this.view.setUint32(at, value >>> 0, true);
  }

  /** A copy of the bytes written so far. */
  finish(): Uint8Array {
    return this.buf.slice(0, this.len);
  }
}

/** A little-endian view of a byte range whose reads throw `ObjectFormatError` when out of bounds. */
export class ByteReader {
  readonly view: DataView;

  constructor(
    readonly bytes: Uint8Array,
    /** Names the blob in errors (".BTF", ".BTF.ext", an ELF section). */
    readonly section: string,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  get length(): number {
    return this.bytes.length;
  }

  check(offset: number, size: number, what: string): void {
    if (offset < 0 || size < 0 || offset + size > this.bytes.length || !Number.isInteger(offset)) {
      throw new ObjectFormatError(
        this.section,
        `${what} at offset ${offset} (${size} bytes) runs past the end (${this.bytes.length} bytes)`,
      );
    }
  }

  u8(offset: number, what = "byte"): number {
    this.check(offset, 1, what);
    return this.view.getUint8(offset);
  }

  u16(offset: number, what = "u16"): number {
    this.check(offset, 2, what);
    return this.view.getUint16(offset, true);
  }

  u32(offset: number, what = "u32"): number {
    this.check(offset, 4, what);
    return this.view.getUint32(offset, true);
  }

  i32(offset: number, what = "i32"): number {
    this.check(offset, 4, what);
    return this.view.getInt32(offset, true);
  }

  u64(offset: number, what = "u64"): bigint {
    this.check(offset, 8, what);
    return this.view.getBigUint64(offset, true);
  }

  /** A u64 that must fit a JS number (file offsets and sizes). */
  u64n(offset: number, what = "u64"): number {
    const value = this.u64(offset, what);
    if (value > BigInt(Number.MAX_SAFE_INTEGER)) {
      throw new ObjectFormatError(this.section, `${what} ${value} is too large`);
    }
    return Number(value);
  }

  /** A sub-range, bounds-checked. */
  slice(offset: number, size: number, what: string): Uint8Array {
    this.check(offset, size, what);
    return this.bytes.subarray(offset, offset + size);
  }
}

const utf8 = new TextDecoder("utf-8");
const utf8Encoder = new TextEncoder();

export function encodeUtf8(text: string): Uint8Array {
  return utf8Encoder.encode(text);
}

export function decodeUtf8(bytes: Uint8Array): string {
  return utf8.decode(bytes);
}

/**
 * Looks up NUL-terminated strings by byte offset in a string table (ELF `.strtab`, BTF strings).
 * An all-ASCII table (the usual case, and vmlinux's) is decoded once, so that each lookup is a
 * cheap string slice rather than a TextDecoder call: this keeps decoding vmlinux's BTF fast.
 */
export class StringTableReader {
  private readonly ascii: string | undefined;
  private readonly cache = new Map<number, string>();

  constructor(
    readonly bytes: Uint8Array,
    private readonly section: string,
  ) {
    let isAscii = true;
    for (let i = 0; i < bytes.length; i++) {
      if (bytes[i]! >= 0x80) {
        isAscii = false;
        break;
      }
    }
    this.ascii = isAscii ? utf8.decode(bytes) : undefined;
  }

  /** The string at `offset`; throws when the offset is outside the table or not NUL-terminated. */
  get(offset: number, what = "string"): string {
    if (this.ascii !== undefined) {
      if (offset >= 0 && offset < this.ascii.length) {
        const end = this.ascii.indexOf("\0", offset);
        if (end >= 0) return this.ascii.slice(offset, end);
      }
    } else {
      const hit = this.cache.get(offset);
      if (hit !== undefined) return hit;
      if (offset >= 0 && offset < this.bytes.length) {
        const end = this.bytes.indexOf(0, offset);
        if (end >= 0) {
          const text = utf8.decode(this.bytes.subarray(offset, end));
          this.cache.set(offset, text);
          return text;
        }
      }
    }
    throw new ObjectFormatError(
      this.section,
      `${what} offset ${offset} is outside the string table (${this.bytes.length} bytes) or not NUL-terminated`,
    );
  }
}

/** An ELF-style string table under construction: "" at offset 0, each string once, NUL-terminated. */
export class StringTableWriter {
  private readonly offsets = new Map<string, number>([["", 0]]);
  private readonly writer = new ByteWriter().u8(0);

  add(text: string): number {
    let offset = this.offsets.get(text);
    if (offset === undefined) {
      offset = this.writer.length;
      this.writer.cstring(text);
      this.offsets.set(text, offset);
    }
    return offset;
  }

  finish(): Uint8Array {
    return this.writer.finish();
  }
}
