/**
 * Constant bytes placed in `.rodata` after the @config variables: the printk format strings, as
 * libbpf's bpf_printk puts its `static const char ___fmt[]` there.
 */
export interface RodataString {
  /** A BTF VAR name (static linkage): `__fmt_0`, `__fmt_1`, ... */
  name: string;
  offset: number;
  bytes: Uint8Array;
}

export class RodataPool {
  readonly strings: RodataString[] = [];
  private end: number;
  private readonly byText = new Map<string, RodataString>();

  /** `start`: the size of the @config variables, which come first. */
  constructor(start: number) {
    this.end = start;
  }

  /** The offset of a NUL-terminated copy of `text` (shared between identical strings). */
  intern(text: string): RodataString {
    const existing = this.byText.get(text);
    if (existing) return existing;
    const utf8 = new TextEncoder().encode(text);
    const bytes = new Uint8Array(utf8.length + 1);
    bytes.set(utf8);
    const entry: RodataString = { name: `__fmt_${this.strings.length}`, offset: this.end, bytes };
    this.end += bytes.length;
    this.strings.push(entry);
    this.byText.set(text, entry);
    return entry;
  }

  get size(): number {
    return this.end;
  }
}
