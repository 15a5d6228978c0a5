/** The symbol holding an address, by binary search over symbols sorted by address. */

export interface Sym {
  address: bigint;
  /** 0 when unknown (kallsyms): then a symbol reaches up to the next one. */
  size: bigint;
  name: string;
  module?: string;
}

/** The last symbol at or below `address`, if `address` is inside it (when its size is known). */
export function nearest(symbols: readonly Sym[], address: bigint): Sym | undefined {
  let lo = 0;
  let hi = symbols.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (symbols[mid]!.address <= address) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  if (found < 0) return undefined;
  // Several symbols may share an address (aliases); any one with a size that covers it will do.
  for (let i = found; i >= 0 && symbols[i]!.address === symbols[found]!.address; i--) {
    const s = symbols[i]!;
    if (s.size === 0n || address < s.address + s.size) return s;
  }
  return undefined;
}
