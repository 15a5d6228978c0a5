/**
 * Kernel bitfields (`task.sched_reset_on_fork`, a `@bits offset:width` member): read as libbpf's
 * BPF_CORE_READ_BITFIELD (through a BTF-typed pointer) and BPF_CORE_READ_BITFIELD_PROBED (any
 * other) do. The bytes that hold the field are loaded into a 64-bit value, shifted left so that
 * the field's top bit is bit 63, then right so that it is bit 0; arithmetically when the field is
 * signed. Where they are, how many bytes and both shifts are relocated (FIELD_BYTE_OFFSET,
 * FIELD_BYTE_SIZE, FIELD_LSHIFT_U64, FIELD_RSHIFT_U64; FIELD_SIGNED for a field the program
 * declares signed), so a field that moved, grew or changed its storage unit in the running
 * kernel is still read right.
 *
 * A direct load needs its size in the instruction: the load is one of four behind a switch on
 * the relocated byte size, of which the verifier keeps the one that runs (the size is a constant
 * once relocated). `bpf_probe_read_kernel` takes the size as its argument.
 */
import { sizeOf } from "../checker/layout.js";
import { isSigned, type IntKind } from "../checker/kinds.js";
import type { IntType, StructField } from "../checker/types.js";
import type { Address, Block, CoreRelocRequest, VReg } from "../ir/ir.js";
import { imm } from "../ir/ir.js";
import type { LowerContext } from "../lower/context.js";
import type { RValue } from "../lower/values.js";
import { FIELD_BYTE_OFFSET, nullGuarded, PROBE_READ_KERNEL, type CorePath } from "./lower-access.js";

const FIELD_BYTE_SIZE = 1;
const FIELD_SIGNED = 3;
const FIELD_LSHIFT_U64 = 4;
const FIELD_RSHIFT_U64 = 5;

/** Where the bitfield is in the local layout, as the relocations compute it (libbpf's rules, little-endian). */
export function localBitfield(bitOffset: number, bitSize: number, unitSize: number): { byteOffset: number; byteSize: number; lshift: number; rshift: number } {
  let byteSize = unitSize;
  let byteOffset = Math.floor(bitOffset / 8 / byteSize) * byteSize;
  while (bitOffset + bitSize - byteOffset * 8 > byteSize * 8 && byteSize < 8) {
    byteSize *= 2;
    byteOffset = Math.floor(bitOffset / 8 / byteSize) * byteSize;
  }
  return { byteOffset, byteSize, lshift: 64 - (bitOffset + bitSize - byteOffset * 8), rshift: 64 - bitSize };
}

export function bitfieldRead(L: LowerContext, addr: Extract<Address, { tag: "reg" }>, path: CorePath, field: StructField, type: IntType): RValue {
  const bits = field.bits!;
  // The field's bit offset from the pointer: the member's struct starts at addr.offset - field.offset.
  const bitOffset = (addr.offset - field.offset) * 8 + bits.offset;
  const local = localBitfield(bitOffset, bits.size, sizeOf(type));
  const access = path.access.join(":");
  const relocated = (kind: number, value: number, name: string): VReg => {
    const dst = L.b.newReg("u64", name);
    const relo: CoreRelocRequest = { root: path.root, access, kind };
    L.b.emit({ op: "core", dst, value: BigInt(value), relo });
    return dst;
  };
  const value = L.b.newReg("u64", "bitfield");
  const read = (): void => {
    const size = relocated(FIELD_BYTE_SIZE, local.byteSize, "bf_size");
    if (path.direct) {
      // Offsets from the pointer, like the relocation's (the bit offset is from the pointer too).
      loadBySize(L, { tag: "reg", base: addr.base, offset: local.byteOffset }, size, value, { root: path.root, access, kind: FIELD_BYTE_OFFSET });
    } else {
      const offset = relocated(FIELD_BYTE_OFFSET, local.byteOffset, "bf_off");
      const address = L.b.newReg("u64", "bf_addr");
      L.b.emit({ op: "bin", bop: "add", kind: "u64", dst: address, a: { tag: "reg", reg: addr.base }, b: { tag: "reg", reg: offset } });
      probeRead(L, address, size, value);
    }
    const lshift = relocated(FIELD_LSHIFT_U64, local.lshift, "bf_lshift");
    L.b.emit({ op: "bin", bop: "shl", kind: "u64", dst: value, a: { tag: "reg", reg: value }, b: { tag: "reg", reg: lshift } });
    const rshift = relocated(FIELD_RSHIFT_U64, local.rshift, "bf_rshift");
    if (!isSigned(type.kind)) {
      L.b.emit({ op: "bin", bop: "shr", kind: "u64", dst: value, a: { tag: "reg", reg: value }, b: { tag: "reg", reg: rshift } });
      return;
    }
    // Signed as the program declares it; the kernel's signedness decides the shift.
    const signed = relocated(FIELD_SIGNED, 1, "bf_signed");
    branch(L, signed, (kind) => L.b.emit({ op: "bin", bop: "shr", kind, dst: value, a: { tag: "reg", reg: value }, b: { tag: "reg", reg: rshift } }));
  };
  if (path.direct) nullGuarded(L, addr.base, path.direct, value, read);
  else read();
  const dst = L.b.newReg(type.kind);
  L.b.emit({ op: "conv", dst, src: { tag: "reg", reg: value }, from: isSigned(type.kind) ? "i64" : "u64", to: type.kind });
  return { type, op: { tag: "reg", reg: dst } };
}

/** `shr` arithmetic when `signed` is non-zero, logical otherwise. */
function branch(L: LowerContext, signed: VReg, shift: (kind: IntKind) => void): void {
  const arithmetic = L.b.newBlock();
  const logical = L.b.newBlock();
  const join = L.b.newBlock();
  L.b.terminate({ op: "cbr", cmp: "ne", kind: "u64", a: { tag: "reg", reg: signed }, b: imm(0n, "u64"), then: arithmetic, else: logical });
  L.b.setBlock(arithmetic);
  shift("i64");
  L.b.jumpTo(join);
  L.b.setBlock(logical);
  shift("u64");
  L.b.jumpTo(join);
  L.b.setBlock(join);
}

const LOADS: readonly [number, IntKind][] = [[1, "u8"], [2, "u16"], [4, "u32"]];

/**
 * `value = *(size *)(base + off)` for the relocated `size` (1, 2, 4, else 8), zero-extended;
 * each load carries the FIELD_BYTE_OFFSET relocation (no pointer arithmetic: a context pointer
 * must not be modified, and a bitfield's load is never resized by relocation).
 */
function loadBySize(L: LowerContext, at: Extract<Address, { tag: "reg" }>, size: VReg, value: VReg, relo: CoreRelocRequest): void {
  const join = L.b.newBlock();
  for (const [bytes, kind] of LOADS) {
    const match = L.b.newBlock();
    const next: Block = L.b.newBlock();
    L.b.terminate({ op: "cbr", cmp: "eq", kind: "u64", a: { tag: "reg", reg: size }, b: imm(BigInt(bytes), "u64"), then: match, else: next });
    L.b.setBlock(match);
    const narrow = L.b.newReg(kind);
    L.b.emit({ op: "load", dst: narrow, addr: at, kind, relo });
    L.b.emit({ op: "conv", dst: value, src: { tag: "reg", reg: narrow }, from: kind, to: "u64" });
    L.b.jumpTo(join);
    L.b.setBlock(next);
  }
  L.b.emit({ op: "load", dst: value, addr: at, kind: "u64", relo });
  L.b.jumpTo(join);
  L.b.setBlock(join);
}

/** `value = 0; bpf_probe_read_kernel(&value, size, address)`: the bytes land in its low end (little-endian). */
function probeRead(L: LowerContext, address: VReg, size: VReg, value: VReg): void {
  const tmp = L.temps.acquire(8, 8, "kernel bitfield read (8 bytes)");
  L.b.emit({ op: "zero", dst: { tag: "stack", object: tmp, offset: 0 }, size: 8 });
  L.b.emit({ op: "call", helper: PROBE_READ_KERNEL, args: [{ tag: "stack", object: tmp, offset: 0 }, { tag: "reg", reg: size }, { tag: "reg", reg: address }] });
  L.b.emit({ op: "load", dst: value, addr: { tag: "stack", object: tmp, offset: 0 }, kind: "u64" });
  L.temps.release([tmp]);
}
