/**
 * A BTF string table under construction: offset 0 is the empty string, each string is stored
 * once, NUL-terminated. The loader adds line_info's file names and source lines to the same
 * table as the type names, so that their offsets are known when the line records are written.
 */
export class StringTable {
  readonly #offsets = new Map<string, number>([["", 0]]);
  readonly #chunks: Uint8Array[] = [new Uint8Array(1)];
  #length = 1;
  readonly #encoder = new TextEncoder();

  /** Adds `text` (once) and returns its offset. */
  add(text: string): number {
    const known = this.#offsets.get(text);
    if (known !== undefined) return known;
    const bytes = this.#encoder.encode(text);
    if (bytes.includes(0)) throw new RangeError(`BTF strings cannot contain NUL: ${JSON.stringify(text)}`);
    const offset = this.#length;
    const chunk = new Uint8Array(bytes.length + 1);
    chunk.set(bytes);
    this.#chunks.push(chunk);
    this.#length += chunk.length;
    this.#offsets.set(text, offset);
    return offset;
  }

  /** The offset of a string already added. */
  offsetOf(text: string): number {
    const offset = this.#offsets.get(text);
    if (offset === undefined) throw new Error(`string not in the BTF string table: ${JSON.stringify(text)}`);
    return offset;
  }

  get byteLength(): number {
    return this.#length;
  }

  bytes(): Uint8Array {
    const out = new Uint8Array(this.#length);
    let at = 0;
    for (const chunk of this.#chunks) {
      out.set(chunk, at);
      at += chunk.length;
    }
    return out;
  }
}
