/**
 * A builder for the kernel's attribute structs (bpf_attr, perf_event_attr): a zeroed byte buffer
 * written through a little-endian-aware DataView, which also keeps every buffer whose address it
 * holds referenced for as long as the attr itself is alive (i.e. across the call).
 */
import { door } from "./door.js";

/** The host's byte order; every struct the kernel reads is in it. */
export const littleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

export class Attr {
  readonly bytes: Uint8Array;
  readonly view: DataView;
  /** Buffers pointed to from this attr: referenced here so that they outlive the call. */
  readonly #pinned: ArrayBufferView[] = [];

  constructor(size: number) {
    this.bytes = new Uint8Array(size);
    this.view = new DataView(this.bytes.buffer);
  }

  u32(offset: number, value: number): this {
    this.view.setUint32(offset, value >>> 0, littleEndian);
    return this;
  }

  i32(offset: number, value: number): this {
    this.view.setInt32(offset, value, littleEndian);
    return this;
  }

  u64(offset: number, value: bigint | number): this {
    this.view.setBigUint64(offset, BigInt(value), littleEndian);
    return this;
  }

  /** Writes the address of `buffer` (0 for none) as a 64-bit pointer. */
  pointer(offset: number, buffer: ArrayBufferView | undefined): this {
    if (!buffer || buffer.byteLength === 0) return this.u64(offset, 0n);
    this.#pinned.push(buffer);
    return this.u64(offset, door().addressOf(buffer));
  }

  /** Writes a NUL-terminated string of at most `size - 1` bytes into a fixed char array. */
  chars(offset: number, size: number, text: string): this {
    const encoded = new TextEncoder().encode(text).subarray(0, size - 1);
    this.bytes.set(encoded, offset);
    return this;
  }

  getU32(offset: number): number {
    return this.view.getUint32(offset, littleEndian);
  }

  getU64(offset: number): bigint {
    return this.view.getBigUint64(offset, littleEndian);
  }
}

/** A C string (NUL-terminated UTF-8) for the kernel to read. */
export function cString(text: string): Uint8Array {
  const encoded = new TextEncoder().encode(text);
  const out = new Uint8Array(encoded.length + 1);
  out.set(encoded);
  return out;
}

/** Text of a NUL-terminated buffer the kernel wrote (a log, a name). */
export function readCString(bytes: Uint8Array): string {
  const end = bytes.indexOf(0);
  return new TextDecoder().decode(end < 0 ? bytes : bytes.subarray(0, end));
}
