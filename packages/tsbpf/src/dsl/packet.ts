/**
 * Direct packet access, byte order, and register access: functions the compiler expands inline
 * (in user space each throws `KernelOnlyError`).
 */
import type { i64, u16, u32, u64 } from "./integers.js";
import type { Ptr } from "./memory.js";
import type { SkBuff, XdpContext } from "./context-net.js";
import type { PtRegs } from "./context-trace.js";
import { KernelOnlyError } from "./kernel-only.js";

function kernelOnly(name: string): never {
  throw new KernelOnlyError(`${name}()`);
}

/**
 * A pointer to a `T` at byte `offset` of the packet, or null when the packet is too short: the
 * compiler emits the `data + offset + sizeof(T) <= data_end` check the verifier demands, so a
 * non-null result can be read (and, in XDP and tc, written) directly: `eth.h_proto`. `ctx` is
 * the program's context (`XdpContext`, or `SkBuff` in tc, cgroup_skb and flow dissector programs).
 * A variable offset is taken modulo 65536 (packets are shorter), which the verifier needs to see.
 * Header members are in network byte order: convert with `ntohs`/`ntohl`.
 */
export function packetAt<T>(ctx: XdpContext | SkBuff, offset: u32): Ptr<T> | null {
  void ctx;
  void offset;
  return kernelOnly("packetAt");
}

/** The packet's length in bytes (`data_end - data`). */
export function packetLength(ctx: XdpContext | SkBuff): u32 {
  void ctx;
  return kernelOnly("packetLength");
}

/** Network (big-endian) to host byte order, 16 bits. */
export function ntohs(value: u16): u16 {
  void value;
  return kernelOnly("ntohs");
}
/** Host to network byte order, 16 bits. */
export function htons(value: u16): u16 {
  void value;
  return kernelOnly("htons");
}
/** Network (big-endian) to host byte order, 32 bits. */
export function ntohl(value: u32): u32 {
  void value;
  return kernelOnly("ntohl");
}
/** Host to network byte order, 32 bits. */
export function htonl(value: u32): u32 {
  void value;
  return kernelOnly("htonl");
}

/** libbpf's `PT_REGS_PARM1(ctx)` (x86-64: `di`): the traced function's first argument. */
export function PT_REGS_PARM1(ctx: PtRegs): u64 { void ctx; return kernelOnly("PT_REGS_PARM1"); }
/** The second argument (`si`). */
export function PT_REGS_PARM2(ctx: PtRegs): u64 { void ctx; return kernelOnly("PT_REGS_PARM2"); }
/** The third argument (`dx`). */
export function PT_REGS_PARM3(ctx: PtRegs): u64 { void ctx; return kernelOnly("PT_REGS_PARM3"); }
/** The fourth argument (`cx`; for a syscall's own registers it would be r10). */
export function PT_REGS_PARM4(ctx: PtRegs): u64 { void ctx; return kernelOnly("PT_REGS_PARM4"); }
/** The fifth argument (`r8`). */
export function PT_REGS_PARM5(ctx: PtRegs): u64 { void ctx; return kernelOnly("PT_REGS_PARM5"); }
/** The sixth argument (`r9`). */
export function PT_REGS_PARM6(ctx: PtRegs): u64 { void ctx; return kernelOnly("PT_REGS_PARM6"); }
/** The return value at a uretprobe/kretprobe (`ax`). */
export function PT_REGS_RC(ctx: PtRegs): u64 { void ctx; return kernelOnly("PT_REGS_RC"); }
/** The instruction pointer (`ip`). */
export function PT_REGS_IP(ctx: PtRegs): u64 { void ctx; return kernelOnly("PT_REGS_IP"); }
/** The stack pointer (`sp`). */
export function PT_REGS_SP(ctx: PtRegs): u64 { void ctx; return kernelOnly("PT_REGS_SP"); }

/**
 * The `index`-th argument (from 0) of the USDT probe that fired, sign- or zero-extended from its
 * size as the probe's note describes it (libbpf's `bpf_usdt_arg`); 0 when the probe has fewer
 * arguments. Only in `@usdt` programs; `index` is a constant. The compiler adds the
 * `__bpf_usdt_specs` map the runtime fills with each probe site's argument specs at attach.
 * Kernel 5.15 (uprobes with BPF cookies).
 */
export function usdtArg(ctx: PtRegs, index: number): i64 {
  void ctx;
  void index;
  return kernelOnly("usdtArg");
}
