/**
 * The BTF string section as it is built: one table shared by `.BTF` types and `.BTF.ext` records
 * (file names, source lines, CO-RE access strings), since `.BTF.ext` refers to `.BTF`'s strings.
 * The ELF writer encodes the types, then the ext records, then emits the table once.
 */
import { ByteWriter } from "../bytes.js";

export class BtfStringTable {
  private readonly offsets = new Map<string, number>();
  private readonly writer = new ByteWriter();

  /**
   * @param base For split BTF: the base's string section. Offsets then continue after it, and
   *   strings the base already holds are referred to there instead of being repeated.
   */
  constructor(private readonly base?: { bytes: Uint8Array; offsets: ReadonlyMap<string, number> }) {
    if (base === undefined) this.writer.u8(0); // offset 0 is "" in a base BTF
  }

  /** Where this table's own offsets start (the base string section's size, or 0). */
  get start(): number {
    return this.base?.bytes.length ?? 0;
  }

  /** The offset of `text`, adding it when new. */
  add(text: string): number {
    if (text === "") return 0;
    const known = this.offsets.get(text) ?? this.base?.offsets.get(text);
    if (known !== undefined) return known;
    const offset = this.start + this.writer.length;
    this.writer.cstring(text);
    this.offsets.set(text, offset);
    return offset;
  }

  /** This table's own section bytes (without the base's). */
  finish(): Uint8Array {
    return this.writer.finish();
  }
}

/** Every NUL-terminated string of a string section by its offset (the first offset wins). */
export function indexStrings(bytes: Uint8Array): Map<string, number> {
  const offsets = new Map<string, number>();
  const decoder = new TextDecoder();
  let start = 0;
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i] !== 0) continue;
    if (i > start) {
      const text = decoder.decode(bytes.subarray(start, i));
      if (!offsets.has(text)) offsets.set(text, start);
    }
    start = i + 1;
  }
  return offsets;
}
