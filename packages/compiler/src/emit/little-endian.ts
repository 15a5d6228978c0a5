/** Writes `value`, truncated to `width` bytes, little-endian (the BPF target's byte order). */
export function writeLittleEndian(view: DataView, offset: number, width: number, value: bigint): void {
  const bits = BigInt.asUintN(width * 8, value);
  for (let i = 0; i < width; i++) view.setUint8(offset + i, Number((bits >> BigInt(i * 8)) & 0xffn));
}
